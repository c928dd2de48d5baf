//! View models of the Client lists page: each list with its values, and the rejected form, if
//! any, with its input and message.

use super::kind_label;
use super::queries::ListValue;
use crate::clients::ListKind;
use crate::ids::ListValueId;

/// The form of the page that was posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostedForm {
    Add,
    Rename(ListValueId),
    Delete(ListValueId),
}

/// A posted form that was rejected, to show again with what was typed.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub kind: ListKind,
    pub form: PostedForm,
    /// The name as typed; empty for a delete.
    pub typed_name: String,
    pub message: String,
}

impl Rejection {
    /// Returns the id of the element the message belongs to, for the link in the summary.
    fn target(&self) -> String {
        match self.form {
            PostedForm::Add => add_input_id(self.kind),
            PostedForm::Rename(id) | PostedForm::Delete(id) => rename_input_id(id),
        }
    }
}

/// One list as the page shows it.
#[derive(Clone, Debug)]
pub struct ListView {
    /// The list's address segment, also the prefix of its element ids.
    pub kind: &'static str,
    pub label: &'static str,
    pub values: Vec<ValueRow>,
    /// The add form's input: empty unless that form was rejected.
    pub add_name: String,
    pub add_error: Option<String>,
}

/// One value with its rename and delete forms.
#[derive(Clone, Debug)]
pub struct ValueRow {
    pub id: ListValueId,
    /// The stored name.
    pub name: String,
    /// The rename form's input: the stored name unless that form was rejected.
    pub typed_name: String,
    pub client_count: i64,
    pub rename_error: Option<String>,
    pub delete_error: Option<String>,
}

/// The summary above the lists that links to the rejected form's field.
#[derive(Clone, Debug)]
pub struct Alert {
    /// The label of the list the rejected form belongs to.
    pub list: &'static str,
    pub target: String,
    pub message: String,
}

fn add_input_id(kind: ListKind) -> String {
    format!("{}-new-name", kind.as_str())
}

fn rename_input_id(id: ListValueId) -> String {
    format!("value-{id}-name")
}

/// Builds the lists to show, with the rejected form's input and message placed on that form
/// only.
pub fn build(
    lists: Vec<(ListKind, Vec<ListValue>)>,
    rejection: Option<&Rejection>,
) -> (Vec<ListView>, Option<Alert>) {
    let views = lists
        .into_iter()
        .map(|(kind, values)| list_view(kind, values, rejection.filter(|r| r.kind == kind)))
        .collect();
    let alert = rejection.map(|rejection| Alert {
        list: kind_label(rejection.kind),
        target: rejection.target(),
        message: rejection.message.clone(),
    });
    (views, alert)
}

fn list_view(kind: ListKind, values: Vec<ListValue>, rejection: Option<&Rejection>) -> ListView {
    let rejected_add = rejection.filter(|r| r.form == PostedForm::Add);
    ListView {
        kind: kind.as_str(),
        label: kind_label(kind),
        values: values
            .into_iter()
            .map(|value| value_row(value, rejection))
            .collect(),
        add_name: rejected_add
            .map(|r| r.typed_name.clone())
            .unwrap_or_default(),
        add_error: rejected_add.map(|r| r.message.clone()),
    }
}

fn value_row(value: ListValue, rejection: Option<&Rejection>) -> ValueRow {
    let rename = rejection.filter(|r| r.form == PostedForm::Rename(value.id));
    let delete = rejection.filter(|r| r.form == PostedForm::Delete(value.id));
    ValueRow {
        id: value.id,
        typed_name: rename
            .map(|r| r.typed_name.clone())
            .unwrap_or_else(|| value.name.clone()),
        name: value.name,
        client_count: value.client_count,
        rename_error: rename.map(|r| r.message.clone()),
        delete_error: delete.map(|r| r.message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(id: i64, name: &str) -> ListValue {
        ListValue {
            id: ListValueId(id),
            name: name.to_owned(),
            client_count: 0,
        }
    }

    #[test]
    fn rejection_shows_on_its_own_form_only() {
        let lists = vec![
            (ListKind::Class, vec![value(1, "Gold")]),
            (
                ListKind::Invoicing,
                vec![value(2, "Monthly"), value(3, "PO")],
            ),
        ];
        let rejection = Rejection {
            kind: ListKind::Invoicing,
            form: PostedForm::Rename(ListValueId(3)),
            typed_name: "monthly".to_owned(),
            message: "duplicate".to_owned(),
        };

        let (views, alert) = build(lists, Some(&rejection));

        assert_eq!(views[0].values[0].rename_error, None);
        assert_eq!(views[0].add_error, None);
        assert_eq!(views[1].add_error, None);
        assert_eq!(views[1].add_name, "");
        assert_eq!(views[1].values[0].typed_name, "Monthly");
        assert_eq!(views[1].values[0].rename_error, None);
        assert_eq!(views[1].values[1].typed_name, "monthly");
        assert_eq!(
            views[1].values[1].rename_error.as_deref(),
            Some("duplicate")
        );
        assert_eq!(views[1].values[1].delete_error, None);
        let alert = alert.expect("a summary");
        assert_eq!(alert.target, "value-3-name");
        assert_eq!(alert.list, "Invoicing");
        assert_eq!(alert.message, "duplicate");
    }

    #[test]
    fn rejected_add_keeps_input_in_its_list() {
        let lists = vec![
            (ListKind::Class, Vec::new()),
            (ListKind::Category, Vec::new()),
        ];
        let rejection = Rejection {
            kind: ListKind::Category,
            form: PostedForm::Add,
            typed_name: "  ".to_owned(),
            message: "required".to_owned(),
        };

        let (views, alert) = build(lists, Some(&rejection));

        assert_eq!(views[0].add_error, None);
        assert_eq!(views[1].add_name, "  ");
        assert_eq!(views[1].add_error.as_deref(), Some("required"));
        assert_eq!(alert.expect("a summary").target, "category-new-name");
    }
}
