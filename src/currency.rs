//! Currencies a client can be billed in, by ISO 4217 letter and numeric code.

/// ISO 4217 numeric codes of the currencies providers commonly bill in, with their letter codes.
/// NOTE: a subset of ISO 4217; a provider billing in another currency needs it added here.
const CURRENCIES: &[(u16, &str)] = &[
    (48, "BHD"),
    (50, "BDT"),
    (68, "BOB"),
    (144, "LKR"),
    (188, "CRC"),
    (214, "DOP"),
    (320, "GTQ"),
    (352, "ISK"),
    (388, "JMD"),
    (398, "KZT"),
    (400, "JOD"),
    (404, "KES"),
    (414, "KWD"),
    (504, "MAD"),
    (512, "OMR"),
    (566, "NGN"),
    (586, "PKR"),
    (600, "PYG"),
    (643, "RUB"),
    (780, "TTD"),
    (788, "TND"),
    (858, "UYU"),
    (936, "GHS"),
    (946, "RON"),
    (975, "BGN"),
    (980, "UAH"),
    (32, "ARS"),
    (36, "AUD"),
    (124, "CAD"),
    (152, "CLP"),
    (156, "CNY"),
    (170, "COP"),
    (203, "CZK"),
    (208, "DKK"),
    (344, "HKD"),
    (348, "HUF"),
    (356, "INR"),
    (360, "IDR"),
    (376, "ILS"),
    (392, "JPY"),
    (410, "KRW"),
    (458, "MYR"),
    (484, "MXN"),
    (554, "NZD"),
    (578, "NOK"),
    (604, "PEN"),
    (608, "PHP"),
    (634, "QAR"),
    (682, "SAR"),
    (702, "SGD"),
    (704, "VND"),
    (710, "ZAR"),
    (752, "SEK"),
    (756, "CHF"),
    (764, "THB"),
    (784, "AED"),
    (818, "EGP"),
    (826, "GBP"),
    (840, "USD"),
    (901, "TWD"),
    (949, "TRY"),
    (978, "EUR"),
    (985, "PLN"),
    (986, "BRL"),
];

/// Checks whether a three-letter code is one of the known currencies.
pub fn is_known(letters: &str) -> bool {
    CURRENCIES.iter().any(|(_, code)| *code == letters)
}

/// Returns the letter code of an ISO 4217 numeric code, as Qualer exports it.
pub fn from_numeric(number: u16) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .find(|(code, _)| *code == number)
        .map(|(_, letters)| *letters)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_codes() {
        assert!(super::is_known("USD"));
        assert!(!super::is_known("XYZ"));
        assert_eq!(super::from_numeric(978), Some("EUR"));
    }
}
