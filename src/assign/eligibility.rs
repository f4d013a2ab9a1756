//! Queue eligibility split into what depends on the agent alone and the
//! rest.
//!
//! `agent.skills.billing >= 2 and agent.languages has conversation.lang`
//! has an agent-only part (`agent.skills.billing >= 2`) that can be decided
//! once per agent, when the agent is added or changed, and a part that
//! needs the conversation. The assigner keeps, per distinct agent-only
//! part, an ordered set of the ready agents that satisfy it (a *pool*), and
//! evaluates the rest only for the candidates it walks at matching time.

use crate::expr::{Condition, Context, Expr, ExprKind, Operand, OperandKind, Schema};

/// A condition split at its top-level `and`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Split {
    /// The conjuncts that read only `agent.*` and constants.
    pub(crate) agent: Option<Condition>,
    /// The conjuncts that read anything else.
    pub(crate) rest: Option<Condition>,
}

impl Split {
    /// Splits `cond`. A conjunct that reads the agent and the conversation
    /// (`agent.languages has conversation.lang`) goes to `rest`.
    pub(crate) fn new(cond: Option<&Condition>, schema: &Schema) -> Split {
        let Some(cond) = cond else {
            return Split::default();
        };
        let expr = cond.expr();
        let parts: Vec<&Expr> = match &expr.kind {
            ExprKind::And(parts) => parts.iter().collect(),
            _ => vec![expr],
        };
        let (agent, rest): (Vec<&Expr>, Vec<&Expr>) =
            parts.into_iter().partition(|e| agent_only(e));
        let join = |parts: Vec<&Expr>| -> Option<Expr> {
            match parts.len() {
                0 => None,
                1 => Some(parts[0].clone()),
                _ => Some(Expr {
                    kind: ExprKind::And(parts.into_iter().cloned().collect()),
                    span: expr.span,
                }),
            }
        };
        let compile = |e: Expr| Condition::from_expr(e, schema, Context::Eligibility).ok();
        match (join(agent).map(compile), join(rest).map(compile)) {
            // Each part is a piece of a checked condition, so it compiles;
            // should one not, evaluate the whole condition per candidate.
            (Some(None), _) | (_, Some(None)) => Split {
                agent: None,
                rest: Some(cond.clone()),
            },
            (a, r) => Split {
                agent: a.flatten(),
                rest: r.flatten(),
            },
        }
    }

    /// The canonical text of the agent-only part (empty when there is
    /// none).
    #[cfg(test)]
    fn agent_key(&self) -> String {
        self.agent
            .as_ref()
            .map(|c| c.source().to_owned())
            .unwrap_or_default()
    }
}

/// Whether `e` reads nothing but `agent.*` and constants.
fn agent_only(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Or(v) | ExprKind::And(v) => v.iter().all(agent_only),
        ExprKind::Not(x) => agent_only(x),
        ExprKind::Compare { lhs, rhs, .. } => operand_agent_only(lhs) && operand_agent_only(rhs),
        ExprKind::Operand(o) => operand_agent_only(o),
    }
}

fn operand_agent_only(o: &Operand) -> bool {
    match &o.kind {
        OperandKind::Path(p) => p.segments.first().is_some_and(|s| s == "agent"),
        OperandKind::Literal(_) | OperandKind::List(_) => true,
        OperandKind::Group(e) => agent_only(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(src: &str) -> (String, String) {
        let schema = Schema::default();
        let c = Condition::compile(src, &schema, Context::Eligibility).unwrap();
        let s = Split::new(Some(&c), &schema);
        (
            s.agent_key(),
            s.rest.map(|c| c.source().to_owned()).unwrap_or_default(),
        )
    }

    #[test]
    fn agent_only_conjuncts_are_separated() {
        assert_eq!(
            split(
                "agent.skills.billing >= 2 and agent.languages has conversation.lang and agent.attributes.team == 'emea'"
            ),
            (
                "agent.skills.billing >= 2 and agent.attributes.team == 'emea'".into(),
                "agent.languages has conversation.lang".into()
            )
        );
    }

    #[test]
    fn a_single_condition_goes_to_one_side() {
        assert_eq!(
            split("agent.skills has 'vip'"),
            ("agent.skills has 'vip'".into(), "".into())
        );
        assert_eq!(
            split("contact.tier == 'vip'"),
            ("".into(), "contact.tier == 'vip'".into())
        );
        // `or` across agent and conversation cannot be split.
        assert_eq!(
            split("agent.skills.a >= 1 or conversation.lang == 'en'"),
            (
                "".into(),
                "agent.skills.a >= 1 or conversation.lang == 'en'".into()
            )
        );
    }

    #[test]
    fn time_is_not_agent_only() {
        assert_eq!(split("hour >= 9 and agent.skills.a > 0").1, "hour >= 9");
    }
}
