//! Reading the messages a configuration holds: `[templates]` (notice
//! texts, and approved templates for closed reply windows) and `[canned]`
//! (agents' canned responses).

use std::collections::BTreeMap;

use super::node::{Kind, Node};
use super::reader::{Reader, join};
use super::spec::{ApprovedTemplate, CannedSpec, TemplateSpec, WINDOW_PURPOSES};

/// `[templates]`: a text per notice or reply; a table of approved
/// templates by language for each of [`WINDOW_PURPOSES`].
pub(super) fn read_templates(r: &mut Reader, n: &Node) -> BTreeMap<String, TemplateSpec> {
    let mut out = BTreeMap::new();
    let Some(ts) = r.table(n, "templates", &[]) else {
        return out;
    };
    for (name, t) in ts {
        let path = format!("templates.{name}");
        let read = if WINDOW_PURPOSES.contains(&name.as_str()) {
            read_approved(r, t, &path).map(TemplateSpec::Approved)
        } else {
            r.string(t, &path).map(TemplateSpec::Text)
        };
        if let Some(t) = read {
            out.insert(name.clone(), t);
        }
    }
    out
}

/// A text, or a table of texts by language (`"*"` for any other).
fn read_texts(r: &mut Reader, n: &Node, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match &n.kind {
        Kind::Str(s) => {
            r.note(path, n);
            out.insert("*".to_owned(), s.clone());
        }
        Kind::Table(_) => {
            if let Some(langs) = r.table(n, path, &[]) {
                for (lang, t) in langs {
                    if let Some(s) = r.string(t, &join(path, lang)) {
                        out.insert(lang.clone(), s);
                    }
                }
            }
        }
        _ => r.wrong(path, n, "a text, or a table of texts by language"),
    }
    out
}

/// `[canned.<id>]`: a shortcut and a text (or texts by language).
pub(super) fn read_canned(r: &mut Reader, n: &Node) -> BTreeMap<String, CannedSpec> {
    let mut out = BTreeMap::new();
    let Some(all) = r.table(n, "canned", &[]) else {
        return out;
    };
    for (id, c) in all {
        let path = format!("canned.{id}");
        let Some(fields) = r.table(c, &path, &["shortcut", "text"]) else {
            continue;
        };
        let field = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        let shortcut = field("shortcut").and_then(|v| r.string(v, &join(&path, "shortcut")));
        let Some(text) = field("text") else {
            r.note(&path, c);
            r.err(&path, "a canned response needs `text`").help = Some(
                "give its text, or its texts by language: text = { en = \"…\", de = \"…\" }".into(),
            );
            continue;
        };
        let text = read_texts(r, text, &join(&path, "text"));
        out.insert(id.clone(), CannedSpec { shortcut, text });
    }
    out
}

/// `[templates.<purpose>]`: approved templates by language.
fn read_approved(
    r: &mut Reader,
    n: &Node,
    path: &str,
) -> Option<BTreeMap<String, ApprovedTemplate>> {
    let langs = r.table(n, path, &[])?;
    let mut out = BTreeMap::new();
    for (lang, t) in langs {
        if let Some(template) = read_one_approved(r, t, &join(path, lang)) {
            out.insert(lang.clone(), template);
        }
    }
    Some(out)
}

/// One approved template: `{ name, language, parameters }`.
pub(super) fn read_one_approved(r: &mut Reader, t: &Node, p: &str) -> Option<ApprovedTemplate> {
    let fields = r.table(t, p, &["name", "language", "parameters"])?;
    let field = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    let name = field("name").and_then(|v| r.string(v, &join(p, "name")));
    let language = field("language").and_then(|v| r.string(v, &join(p, "language")));
    let mut parameters = Vec::new();
    if let Some(v) = field("parameters") {
        let pp = join(p, "parameters");
        r.note(&pp, v);
        match &v.kind {
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(s) = r.string(item, &format!("{pp}[{i}]")) {
                        parameters.push(s);
                    }
                }
            }
            _ => r.wrong(&pp, v, "a list of texts"),
        }
    }
    for (key, value) in [("name", &name), ("language", &language)] {
        if value.is_none() && field(key).is_none() {
            r.note(p, t);
            r.err(p, format!("an approved template needs `{key}`")).help = Some(
                "give the template's name and language code at the provider, e.g. { name = \"follow_up\", language = \"en_US\" }".into(),
            );
        }
    }
    Some(ApprovedTemplate {
        name: name?,
        language: language?,
        parameters,
    })
}
