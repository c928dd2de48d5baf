//! Generated sample data: client companies, contacts, addresses and phone numbers in the
//! countries a North American calibration provider serves. Every value is made up. Phone
//! numbers use the ranges set aside for fiction (555-01xx in North America, 0121 496 0xxx in
//! the UK), and domains end in `.example`.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::text;

/// A part of the world, which decides the demo site that serves a country's clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    UnitedStates,
    Canada,
    Europe,
}

/// A country the generator writes clients for.
pub struct Country {
    /// ISO 3166 code, as stored in address fields.
    pub code: &'static str,
    pub currency: &'static str,
    pub region: Region,
    /// Share of generated clients, in percent.
    weight: u32,
    /// City, state or province, postal code prefix and phone area code.
    cities: &'static [(&'static str, &'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    first_names: &'static [&'static str],
    last_names: &'static [&'static str],
    industries: &'static [&'static str],
    legal_forms: &'static [&'static str],
}

pub const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        currency: "USD",
        region: Region::UnitedStates,
        weight: 46,
        cities: &[
            ("Wichita", "KS", "672", "316"),
            ("Kansas City", "MO", "641", "816"),
            ("Tulsa", "OK", "741", "918"),
            ("Dallas", "TX", "752", "214"),
            ("Denver", "CO", "802", "303"),
            ("Omaha", "NE", "681", "402"),
            ("Seattle", "WA", "981", "206"),
            ("Dayton", "OH", "454", "937"),
            ("Huntsville", "AL", "358", "256"),
            ("Savannah", "GA", "314", "912"),
        ],
        streets: &[
            "N Rock Rd",
            "W Kellogg Dr",
            "Industrial Pkwy",
            "Airport Rd",
            "Commerce St",
            "E 21st St N",
            "Technology Dr",
            "Mill Creek Blvd",
        ],
        first_names: &[
            "James", "Linda", "Robert", "Maria", "Michael", "Jennifer", "David", "Karen", "Brian",
            "Ashley", "Kevin", "Nicole", "Jason", "Megan", "Carlos", "Tanya",
        ],
        last_names: &[
            "Miller", "Johnson", "Garcia", "Anderson", "Thompson", "Martinez", "Robinson",
            "Walker", "Young", "Harris", "Nguyen", "Patel", "Hughes", "Reed", "Coleman",
        ],
        industries: &[
            "Aerospace Components",
            "Precision Machining",
            "Tool & Die",
            "Hydraulics",
            "Avionics",
            "Plastics",
            "Welding Supply",
            "Medical Devices",
            "Composites",
            "Power Systems",
        ],
        legal_forms: &["Inc.", "LLC", "Co.", "Corp."],
    },
    Country {
        code: "CA",
        currency: "CAD",
        region: Region::Canada,
        weight: 18,
        cities: &[
            ("Toronto", "ON", "M5V", "416"),
            ("Mississauga", "ON", "L5T", "905"),
            ("Hamilton", "ON", "L8E", "905"),
            ("Montréal", "QC", "H4T", "514"),
            ("Québec", "QC", "G1P", "418"),
            ("Winnipeg", "MB", "R3H", "204"),
        ],
        streets: &[
            "Dundas St E",
            "Bay St",
            "Rue Sainte-Catherine",
            "Boulevard René-Lévesque",
            "Airport Rd",
            "Steeles Ave W",
        ],
        first_names: &[
            "Émilie",
            "Marc",
            "Chloé",
            "Jean-François",
            "Sarah",
            "Liam",
            "Geneviève",
            "Noah",
            "Olivia",
            "Étienne",
            "Priya",
            "Owen",
        ],
        last_names: &[
            "Tremblay",
            "Gagnon",
            "Roy",
            "Côté",
            "Bouchard",
            "Smith",
            "Wilson",
            "MacDonald",
            "Lévesque",
            "Singh",
            "Campbell",
            "Bélanger",
        ],
        industries: &[
            "Aerospace",
            "Precision Instruments",
            "Laboratoires Techniques",
            "Métrologie Industrielle",
            "Machining",
            "Energy Services",
            "Pharma Manufacturing",
        ],
        legal_forms: &["Inc.", "Ltd.", "Ltée", "Corp."],
    },
    Country {
        code: "DE",
        currency: "EUR",
        region: Region::Europe,
        weight: 15,
        cities: &[
            ("Stuttgart", "BW", "70", "711"),
            ("München", "BY", "80", "89"),
            ("Nürnberg", "BY", "90", "911"),
            ("Hamburg", "HH", "22", "40"),
            ("Köln", "NW", "50", "221"),
            ("Dresden", "SN", "01", "351"),
        ],
        streets: &[
            "Heilbronner Straße",
            "Industriestraße",
            "Hauptstraße",
            "Gewerbepark",
            "Daimlerstraße",
            "Am Flughafen",
        ],
        first_names: &[
            "Jürgen", "Katrin", "Stefan", "Anja", "Matthias", "Sabine", "Tobias", "Jörg",
            "Claudia", "Lukas", "Björn", "Annika",
        ],
        last_names: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Schäfer",
            "Becker",
            "Hoffmann",
            "Krüger",
            "Wolf",
            "Köhler",
            "Zimmermann",
        ],
        industries: &[
            "Messtechnik",
            "Präzisionsmechanik",
            "Maschinenbau",
            "Automobiltechnik",
            "Prüftechnik",
            "Medizintechnik",
            "Antriebstechnik",
        ],
        legal_forms: &["GmbH", "AG", "GmbH & Co. KG"],
    },
    Country {
        code: "GB",
        currency: "GBP",
        region: Region::Europe,
        weight: 9,
        cities: &[
            ("Birmingham", "West Midlands", "B", "121"),
            ("Bristol", "", "BS", "117"),
            ("Derby", "Derbyshire", "DE", "1332"),
            ("Sheffield", "South Yorkshire", "S", "114"),
        ],
        streets: &[
            "Station Road",
            "Aston Lane",
            "Filton Road",
            "Brunel Way",
            "Riverside Court",
        ],
        first_names: &[
            "Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie", "Rhys",
            "Niamh",
        ],
        last_names: &[
            "Taylor", "Davies", "Evans", "Wright", "Hughes", "Edwards", "Clarke", "Walsh",
            "O'Connor", "Patel",
        ],
        industries: &[
            "Aerospace",
            "Engineering",
            "Instrumentation",
            "Rail Systems",
            "Precision Tooling",
        ],
        legal_forms: &["Ltd", "plc", "Ltd"],
    },
    Country {
        code: "MX",
        currency: "MXN",
        region: Region::UnitedStates,
        weight: 8,
        cities: &[
            ("Monterrey", "NL", "64", "81"),
            ("Querétaro", "QRO", "76", "442"),
            ("Saltillo", "COAH", "25", "844"),
            ("Ciudad Juárez", "CHIH", "32", "656"),
        ],
        streets: &[
            "Av. Constitución",
            "Blvd. Bernardo Quintana",
            "Parque Industrial Norte",
            "Av. Tecnológico",
        ],
        first_names: &[
            "José",
            "María",
            "Alejandro",
            "Guadalupe",
            "Fernando",
            "Sofía",
            "Andrés",
            "Lucía",
            "Raúl",
            "Ximena",
        ],
        last_names: &[
            "Hernández",
            "García",
            "Martínez",
            "López",
            "González",
            "Pérez",
            "Ramírez",
            "Núñez",
            "Treviño",
            "Peña",
        ],
        industries: &[
            "Maquinados",
            "Metrología",
            "Autopartes",
            "Manufacturas Aeroespaciales",
            "Moldes y Troqueles",
        ],
        legal_forms: &["S.A. de C.V.", "S. de R.L. de C.V."],
    },
    Country {
        code: "FR",
        currency: "EUR",
        region: Region::Europe,
        weight: 4,
        cities: &[
            ("Toulouse", "", "31", "5"),
            ("Lyon", "", "69", "4"),
            ("Grenoble", "", "38", "4"),
        ],
        streets: &[
            "Rue de l'Industrie",
            "Avenue Jean Jaurès",
            "Chemin de la Plaine",
        ],
        first_names: &[
            "Camille",
            "Hélène",
            "Théo",
            "Léa",
            "François",
            "Zoé",
            "Jérôme",
        ],
        last_names: &[
            "Martin", "Bernard", "Lefèvre", "Moreau", "Girard", "Faure", "Rousseau",
        ],
        industries: &[
            "Métrologie",
            "Étalonnage Industriel",
            "Mécanique de Précision",
            "Aéronautique",
        ],
        legal_forms: &["SARL", "SAS"],
    },
];

/// Family names that start company names in every country, so names sort across the alphabet.
const FOUNDERS: &[&str] = &[
    "Abbott",
    "Barrow",
    "Calder",
    "Dunmore",
    "Ellison",
    "Fairbanks",
    "Garner",
    "Holloway",
    "Ingram",
    "Jessup",
    "Keller",
    "Lindqvist",
    "Marlow",
    "Norcross",
    "Osgood",
    "Prescott",
    "Quinlan",
    "Redfield",
    "Sterling",
    "Thorne",
    "Upton",
    "Vance",
    "Whitaker",
    "Yardley",
    "Zeller",
    "Ashford",
    "Brightwater",
    "Cromwell",
    "Delacroix",
    "Eastwood",
];

const CONTACT_TITLES: &[&str] = &[
    "Quality Manager",
    "Metrology Lead",
    "Purchasing Agent",
    "Maintenance Supervisor",
    "Plant Manager",
    "Lab Coordinator",
    "QA Technician",
];

/// A generated address.
#[derive(Clone, Debug, Default)]
pub struct PostalAddress {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// The city's telephone area code, for phone numbers that match the address.
    pub phone_area: &'static str,
}

/// A generated person.
#[derive(Clone, Debug)]
pub struct Person {
    pub first_name: String,
    pub last_name: String,
    pub title: String,
}

/// Seeded generator, so every run writes the same data.
pub struct Generator {
    rng: StdRng,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Returns true with the given probability.
    pub fn chance(&mut self, probability: f64) -> bool {
        self.rng.gen_bool(probability)
    }

    /// Returns a number in `0..bound`.
    pub fn index(&mut self, bound: usize) -> usize {
        self.rng.gen_range(0..bound)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.rng)
            .expect("generator lists are never empty")
    }

    /// Picks a country, weighted by its share of clients.
    pub fn country(&mut self) -> &'static Country {
        let total: u32 = COUNTRIES.iter().map(|c| c.weight).sum();
        let mut roll = self.rng.gen_range(0..total);
        for country in COUNTRIES {
            if roll < country.weight {
                return country;
            }
            roll -= country.weight;
        }
        &COUNTRIES[0]
    }

    /// Generates a company name in the country's style, such as "Holloway Precision Machining, Inc." or
    /// "Schäfer Messtechnik GmbH".
    pub fn company_name(&mut self, country: &Country) -> String {
        let founder = if self.chance(0.5) {
            *self.pick(FOUNDERS)
        } else {
            *self.pick(country.last_names)
        };
        let industry = *self.pick(country.industries);
        let legal_form = *self.pick(country.legal_forms);
        match country.code {
            "US" if self.chance(0.5) => format!("{founder} {industry}, {legal_form}"),
            "MX" | "FR" => format!("{industry} {founder} {legal_form}"),
            _ => format!("{founder} {industry} {legal_form}"),
        }
    }

    pub fn person(&mut self, country: &Country) -> Person {
        Person {
            first_name: (*self.pick(country.first_names)).to_owned(),
            last_name: (*self.pick(country.last_names)).to_owned(),
            title: (*self.pick(CONTACT_TITLES)).to_owned(),
        }
    }

    /// Generates a street address with a postal code in the country's format.
    pub fn address(&mut self, country: &Country) -> PostalAddress {
        let (city, state, postal_prefix, phone_area) = *self.pick(country.cities);
        let street = *self.pick(country.streets);
        let number = self.rng.gen_range(1..9900);
        let line1 = match country.code {
            "DE" | "MX" => format!("{street} {}", number % 300 + 1),
            "FR" => format!("{} {street}", number % 200 + 1),
            _ => format!("{number} {street}"),
        };
        let postal_code = self.postal_code(country.code, postal_prefix);
        PostalAddress {
            line1,
            line2: String::new(),
            city: city.to_owned(),
            state: state.to_owned(),
            postal_code,
            phone_area,
        }
    }

    fn postal_code(&mut self, country_code: &str, prefix: &str) -> String {
        const LETTERS: &[u8] = b"ABCEGHJKLMNPRSTVXY";
        let letter = |rng: &mut StdRng| LETTERS[rng.gen_range(0..LETTERS.len())] as char;
        match country_code {
            "CA" => {
                let digit_1 = self.rng.gen_range(0..10);
                let letter_2 = letter(&mut self.rng);
                let digit_3 = self.rng.gen_range(0..10);
                format!("{prefix} {digit_1}{letter_2}{digit_3}")
            }
            "GB" => {
                let district = self.rng.gen_range(1..30);
                let sector = self.rng.gen_range(1..10);
                let unit_1 = letter(&mut self.rng);
                let unit_2 = letter(&mut self.rng);
                format!("{prefix}{district} {sector}{unit_1}{unit_2}")
            }
            "US" => format!("{prefix}{:02}", self.rng.gen_range(1..100)),
            _ => format!("{prefix}{:03}", self.rng.gen_range(0..1000)),
        }
    }

    /// Generates a phone number in the area code `area`, in a range reserved for fiction and in the
    /// country's usual format.
    pub fn phone(&mut self, country: &Country, area: &str) -> String {
        let line = self.rng.gen_range(100..200);
        match country.code {
            "US" | "CA" => format!("({area}) 555-0{}", line % 100 + 100),
            "GB" => format!("+44 {area} 496 0{line:03}"),
            "DE" => format!("+49 {area} 5550 {line}"),
            "MX" => format!("+52 {area} 5555 0{line}"),
            _ => format!("+33 {area} 99 00 {} {:02}", line / 10, line % 100),
        }
    }
}

/// Builds a domain for a company name: its first two words, folded to ASCII, under `.example`.
pub fn domain_for(company_name: &str) -> String {
    let words: Vec<String> = text::fold(company_name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(2)
        .map(str::to_owned)
        .collect();
    format!("{}.example", words.join("-"))
}

/// Builds an email address at `domain` for a person: "first.last@domain", folded to ASCII.
pub fn email_for(person_first: &str, person_last: &str, domain: &str) -> String {
    let local: String = text::fold(&format!("{person_first}.{person_last}"))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let mut first = Generator::new(7);
        let mut second = Generator::new(7);
        for _ in 0..20 {
            let country_1 = first.country();
            let country_2 = second.country();
            assert_eq!(country_1.code, country_2.code);
            assert_eq!(
                first.company_name(country_1),
                second.company_name(country_2)
            );
        }
    }

    #[test]
    fn domains_and_emails_are_ascii() {
        assert_eq!(
            domain_for("Schäfer Messtechnik GmbH"),
            "schafer-messtechnik.example"
        );
        assert_eq!(
            email_for("Émilie", "Côté", "roy-aerospace.example"),
            "emilie.cote@roy-aerospace.example"
        );
        assert_eq!(
            email_for("Ann", "O'Connor", "x.example"),
            "ann.oconnor@x.example"
        );
    }

    #[test]
    fn country_weights_are_percentages() {
        let total: u32 = COUNTRIES.iter().map(|c| c.weight).sum();
        assert_eq!(total, 100);
    }
}
