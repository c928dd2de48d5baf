//! One id type per entity, so a client id can never be passed where an employee id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! entity_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

entity_id!(
    /// A provider: the tenant every other row belongs to.
    ProviderId
);
entity_id!(
    /// One of the provider's own locations.
    ProviderSiteId
);
entity_id!(
    /// A member of the provider's staff.
    EmployeeId
);
entity_id!(
    /// A client company of a provider.
    ClientId
);
entity_id!(
    /// A value of one of the client lists a provider keeps (class, invoicing, standing, category).
    ListValueId
);
entity_id!(
    /// A person at a client company.
    ClientEmployeeId
);
entity_id!(
    /// A location or other grouping of a client's assets.
    ClientSiteId
);
entity_id!(
    /// An instrument or other item of a client that the provider services.
    AssetId
);
