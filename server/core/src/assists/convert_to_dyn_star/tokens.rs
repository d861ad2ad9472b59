//! Reading macro arguments as tokens: calls written inside a macro (`println!("{}", f(x))`)
//! are token trees, not expressions, for the callers' rewrite and a closure's calls alike.

use ra_ap_syntax::{SyntaxElement, SyntaxKind, SyntaxNode};

/// The children of a node, tokens included, without whitespace and comments.
pub(super) fn significant(node: &SyntaxNode) -> Vec<SyntaxElement> {
    node.children_with_tokens()
        .filter(|c| !c.as_token().is_some_and(|t| t.kind().is_trivia()))
        .collect()
}

/// The `( … )` group right after the `i`-th of `children`, if that is what follows.
pub(super) fn paren_group_after(children: &[SyntaxElement], i: usize) -> Option<&SyntaxNode> {
    children.get(i + 1).and_then(|c| c.as_node()).filter(|n| {
        n.kind() == SyntaxKind::TOKEN_TREE
            && n.first_token()
                .is_some_and(|f| f.kind() == SyntaxKind::L_PAREN)
    })
}
