//! Text normalisation shared by search, uniqueness checks and validation.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for case- and accent-insensitive comparison: compatibility decomposition, combining
/// marks dropped, lower case. "Société Générale" and "SOCIETE generale" fold to the same key.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Builds a `LIKE` pattern that matches `needle` as a literal substring of a folded column. The
/// escape character is `\`, so the query must say `ESCAPE '\'`.
pub fn like_contains(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in fold(needle).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Trims a form value and collapses runs of inner whitespace, so "  Acme   Labs " stores as
/// "Acme Labs".
pub fn clean(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key sign-in emails are unique by and looked up with: trimmed and lower-cased.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks the shape of an email address: one `@`, a non-empty local part and a dotted domain
/// without spaces. Deliverability is not checked.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_case_and_accents() {
        assert_eq!(fold("Société GÉNÉRALE"), "societe generale");
        assert_eq!(fold("Müller"), "muller");
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn email_shape() {
        assert!(is_plausible_email("ann@lab.example"));
        assert!(!is_plausible_email("ann@lab"));
        assert!(!is_plausible_email("ann lab@x.io"));
        assert!(!is_plausible_email("@x.io"));
    }
}
