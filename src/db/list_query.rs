//! A small builder for the dynamic `WHERE` clauses of the manager pages.
//!
//! sqlx's own `QueryBuilder` writes `?` placeholders for the `Any` driver, which PostgreSQL
//! rejects; this builder numbers them `$1, $2, …`, which both databases accept.

use sqlx::any::AnyArguments;
use sqlx::Arguments;

/// SQL text with its bound values, built piece by piece.
#[derive(Default)]
pub struct ListQuery {
    sql: String,
    arguments: AnyArguments<'static>,
    count: usize,
}

/// A value that can be bound to a placeholder.
pub enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(value: i64) -> Self {
        Bind::Int(value)
    }
}

impl From<String> for Bind {
    fn from(value: String) -> Self {
        Bind::Text(value)
    }
}

impl From<&str> for Bind {
    fn from(value: &str) -> Self {
        Bind::Text(value.to_owned())
    }
}

impl ListQuery {
    pub fn new(sql: impl Into<String>) -> Self {
        ListQuery {
            sql: sql.into(),
            ..Default::default()
        }
    }

    /// Appends SQL text as written.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Bind>) -> &mut Self {
        self.count += 1;
        self.sql.push('$');
        self.sql.push_str(&self.count.to_string());

        // Adding to `AnyArguments` only fails for types the driver cannot encode, and every
        // variant of `Bind` is one it can.
        let added = match value.into() {
            Bind::Int(v) => self.arguments.add(v),
            Bind::Text(v) => self.arguments.add(v),
        };
        added.expect("Any driver encodes i64 and String");
        self
    }

    /// Appends `(…, …)` with one placeholder per value, for an `IN` list.
    pub fn bind_list(&mut self, values: impl IntoIterator<Item = i64>) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Splits into SQL and arguments, for `sqlx::query_with`.
    pub fn build(self) -> (String, AnyArguments<'static>) {
        (self.sql, self.arguments)
    }
}
