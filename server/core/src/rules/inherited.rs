//! What a trait inherits from its supertrait closure, computed once per trait and shared by
//! the verdicts of one request (issue 11: on a chain of 10,000 traits whose first one is not
//! dyn compatible, every verdict walked its whole closure — quadratic).
//!
//! A verdict reports the traits of its closure that have something of their own to report (a
//! violation, an unknown shape, syntax errors, an unresolved supertrait: *reporting* traits),
//! in the order of a breadth-first walk from the checked trait, each with the chain of names
//! by which the walk first reached it. That walk reaches a trait `x` from `t` at their
//! distance, along the least (bound index by bound index) of the shortest paths, and visits
//! traits by (distance, that path). Both follow from the supertraits' walks:
//! `dist(t, x) = 1 + min dist(s, x)` over the supertraits `s` of `t`, the first bound reaching
//! that minimum is the path's first link, and two traits reached through the same first link
//! are ordered as that supertrait's walk orders them. So a trait's report is its supertraits'
//! reports merged ([`Rep`]) — shared outright when at most one supertrait has anything to
//! report, which makes a chain O(1) per trait — and a chain of names is read off the links
//! only where it is shown (at most four names, as `rules::abbreviated_chain` writes them).
//!
//! Cycles: the strongly connected components of the supertrait graph are found once per
//! request (Tarjan's algorithm, without recursion). Inside a component, the distance of every
//! member to each reported trait comes from one shortest-path search over the component, and
//! the order is settled level by level (distance 0, 1, …), each level sorted by the order of
//! the level below.
//!
//! `tests::inherited_reports_equal_a_walk_per_verdict` compares the result with a plain
//! breadth-first walk per verdict on random graphs (chains, diamonds, cycles, repeated and
//! unresolved bounds).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use super::{ClosureMemo, Violation, own_violations};
use crate::db::{Db, TraitKey};
use crate::model::Shape;

/// What one trait reports of itself, its supertraits aside.
pub(super) struct Own {
    /// Its own violations (`via` empty).
    pub(super) violations: Vec<Violation>,
    /// The attribute dynlens does not know that may reshape it.
    pub(super) unknown_attribute: Option<String>,
    /// It has syntax errors.
    pub(super) incomplete: bool,
    /// Its bounds on `Self` that did not resolve, as written.
    pub(super) unresolved: Vec<String>,
}

impl Own {
    fn of(
        db: &Db,
        memo: &mut ClosureMemo,
        key: &TraitKey,
        unresolved: Vec<String>,
    ) -> Option<Self> {
        let def = db.trait_def(key)?;
        let sized = memo.requires_sized(db, key);
        let own = Own {
            violations: own_violations(db, key, &def, &[], sized),
            unknown_attribute: match &def.shape {
                Shape::Unknown { attribute } => Some(attribute.clone()),
                _ => None,
            },
            incomplete: db.trait_is_incomplete(key),
            unresolved,
        };
        let reports = !own.violations.is_empty() || own.more_than_violations();
        reports.then_some(own)
    }

    /// Whether it reports more than violations (an unknown attribute, syntax errors,
    /// unresolved bounds): such a trait is always listed, never counted away.
    fn more_than_violations(&self) -> bool {
        self.unknown_attribute.is_some() || self.incomplete || !self.unresolved.is_empty()
    }
}

/// One reporting trait of a verdict's closure, in the walk's order.
pub(super) struct Reported {
    pub(super) own: Arc<Own>,
    /// The trait's name.
    pub(super) name: String,
    /// The chain of names to it from the checked trait, at most four links: past four, the
    /// first two, `… N more …` and the last (empty: the checked trait itself).
    pub(super) via: Vec<String>,
}

/// No node (an entry for the trait itself has no next link).
const NONE: u32 = u32::MAX;

/// How many traits that report only violations a merged report keeps (the first, in the
/// walk's order; every trait that reports more is kept): what a verdict lists
/// ([`super::LISTED_TRAITS`]). The first `KEPT` of a merged report are exact when each report
/// it is merged from keeps its own first `KEPT`: a trait before another in a supertrait's
/// report is before it in the merged one too (the order is by distance, first link and
/// position in that link's report, the least over the links), so a trait among the first
/// `KEPT` of the merge is among the first `KEPT` of its first link's report; a trait missing
/// from a truncated report can only be placed later than it belongs, past the first `KEPT`.
/// Without it, a ladder of diamonds (`D{r}: A{r} + B{r}`, both `: D{r-1}`, a violation in
/// every trait) kept every trait of every diamond's closure: 10,000 traits, 448 MB.
const KEPT: usize = super::LISTED_TRAITS;

struct Node {
    key: TraitKey,
    /// Its name as a chain of names shows it.
    name: String,
    /// Its bounds on `Self` in order, resolved (`Some`) or not; `None` until first visited.
    supers: Option<Vec<Option<u32>>>,
    /// What it reports itself (`None`: nothing).
    own: Option<Arc<Own>>,
    /// Its report, once its component is settled.
    rep: Option<Rep>,
    /// [`Inherited::totals`], once asked.
    totals: Option<(usize, bool)>,
    /// Tarjan's bookkeeping.
    index: u32,
    low: u32,
    on_stack: bool,
}

/// A trait's report: the reporting traits of its closure in the walk's order, each at its
/// distance and with the next link of the chain to it (the supertrait, and the entry's
/// position in that supertrait's report).
enum Rep {
    /// Nothing to report.
    Empty,
    /// The trait itself (distance 0), then the report of `next` (its one supertrait with
    /// anything to report, if any), one link further.
    Own { next: Option<u32> },
    /// Nothing of its own: the report of `next`, its one supertrait with anything to report,
    /// one link further. `jump` is the first trait below whose report is not `Shared`, and
    /// `shift` the links to it, so that reading a report skips a shared chain at once.
    Shared { next: u32, jump: u32, shift: u32 },
    /// Merged from several supertraits, or settled in a cycle. `complete`: every reporting
    /// trait of the closure is listed (else only the first [`KEPT`] that report only
    /// violations are, and every trait that reports more).
    Merged { entries: Vec<Entry>, complete: bool },
}

struct Entry {
    /// The reporting trait.
    x: u32,
    dist: u32,
    /// The supertrait through which the chain goes (`NONE`: `x` is the trait itself), and
    /// `x`'s position in its report.
    next: u32,
    pos: u32,
}

/// The first link of a chain from a member of a cycle to a reported trait.
#[derive(Clone, Copy)]
struct Link {
    /// The member (its index in the component).
    member: usize,
    /// The chain's length.
    dist: u32,
    /// The bound of the member it goes through, and the trait that bound names (`NONE`: the
    /// chain is empty, `x` is the member itself).
    first: u32,
    next: u32,
    /// The reported trait, and its position in `next`'s report (`None` while `next` is a
    /// member whose report is being built).
    x: u32,
    pos: Option<u32>,
}

/// The reports of one request's traits.
#[derive(Default)]
pub(super) struct Inherited {
    ids: HashMap<TraitKey, u32>,
    nodes: Vec<Node>,
    /// Tarjan's counter.
    visited: u32,
    /// [`Inherited::closure_totals`]' marks: a node is reached in this walk when its mark is
    /// `epoch`.
    mark: Vec<u32>,
    epoch: u32,
}

impl Inherited {
    /// The reporting traits of `key`'s closure (the trait included), in the order of a
    /// breadth-first walk from it, and how many violations of further traits are counted but
    /// not listed: past the first `listed` traits with violations, a trait that reports
    /// nothing but violations is not listed (on a chain of 10,000 traits each with a
    /// violation, listing every inherited one made the verdicts quadratic). Where no trait of
    /// the closure reports more than violations, the walk stops there; the count comes from
    /// [`Inherited::totals`].
    pub(super) fn reported(
        &mut self,
        db: &Db,
        memo: &mut ClosureMemo,
        key: &TraitKey,
        listed: usize,
    ) -> (Vec<Reported>, usize) {
        debug_assert!(
            listed <= KEPT,
            "merged reports keep the first {KEPT} traits only"
        );
        let id = self.intern(db, key);
        self.settle_closure(db, memo, id);
        let (total, more_than_violations) = self.totals(id);
        let mut seen = 0usize;
        // Without a trait that reports more than violations, every reported trait has
        // violations: the first `listed` are all that is listed.
        let (entries, _) = self.entries_while(id, || {
            seen += 1;
            more_than_violations || seen <= listed
        });
        let mut with_violations = 0usize;
        let mut listed_violations = 0usize;
        let mut out = Vec::new();
        for (p, (x, dist)) in entries.into_iter().enumerate() {
            let Some(own) = self.nodes[x as usize].own.clone() else {
                continue;
            };
            let only_violations = !own.more_than_violations();
            if !own.violations.is_empty() {
                with_violations += 1;
                if with_violations > listed && only_violations {
                    continue;
                }
                listed_violations += own.violations.len();
            }
            let via = if dist <= 4 {
                self.chain(id, p as u32, dist, dist)
            } else {
                let mut v = self.chain(id, p as u32, dist, 2);
                v.push(format!("… {} more …", dist - 3));
                v.push(self.nodes[x as usize].name.clone());
                v
            };
            out.push(Reported {
                own,
                name: self.nodes[x as usize].name.clone(),
                via,
            });
        }
        (out, total - listed_violations)
    }

    /// Per trait, over its settled report: the number of violations, and whether a trait of
    /// it reports more than violations (an unknown attribute, unresolved bounds, syntax
    /// errors). Once per trait: a chain is walked down to the first trait already known (no
    /// recursion), then filled in on the way back.
    fn totals(&mut self, v: u32) -> (usize, bool) {
        let own_of = |n: &Node| {
            n.own.as_ref().map_or((0, false), |o| {
                (o.violations.len(), o.more_than_violations())
            })
        };
        let mut path = Vec::new();
        let mut cur = v;
        let mut acc = loop {
            if let Some(t) = self.nodes[cur as usize].totals {
                break t;
            }
            match &self.nodes[cur as usize].rep {
                None | Some(Rep::Empty) => break (0, false),
                Some(Rep::Merged { entries, complete }) => {
                    // A complete report lists every reporting trait; one that keeps only
                    // its first traits (`KEPT`) has its totals from the closure itself,
                    // walked once per such trait (time linear in its closure, no memory).
                    let t = if *complete {
                        entries.iter().fold((0, false), |(n, m), e| {
                            let (a, b) = own_of(&self.nodes[e.x as usize]);
                            (n + a, m || b)
                        })
                    } else {
                        self.closure_totals(cur, own_of)
                    };
                    self.nodes[cur as usize].totals = Some(t);
                    break t;
                }
                Some(Rep::Own { next }) => {
                    path.push(cur);
                    match *next {
                        Some(n) => cur = n,
                        None => break (0, false),
                    }
                }
                Some(Rep::Shared { next, .. }) => {
                    path.push(cur);
                    cur = *next;
                }
            }
        };
        for p in path.into_iter().rev() {
            if matches!(self.nodes[p as usize].rep, Some(Rep::Own { .. })) {
                let (a, b) = own_of(&self.nodes[p as usize]);
                acc = (acc.0 + a, acc.1 || b);
            }
            self.nodes[p as usize].totals = Some(acc);
        }
        acc
    }

    /// The totals over every trait `v` reaches through resolved bounds (itself included):
    /// the reporting traits of its settled closure.
    fn closure_totals(&mut self, v: u32, own_of: impl Fn(&Node) -> (usize, bool)) -> (usize, bool) {
        self.epoch += 1;
        if self.mark.len() < self.nodes.len() {
            self.mark.resize(self.nodes.len(), 0);
        }
        let epoch = self.epoch;
        let mut acc = (0, false);
        let mut stack = vec![v];
        self.mark[v as usize] = epoch;
        while let Some(x) = stack.pop() {
            let node = &self.nodes[x as usize];
            let (a, b) = own_of(node);
            acc = (acc.0 + a, acc.1 || b);
            for &s in node.supers.iter().flatten().flatten() {
                if self.mark[s as usize] != epoch {
                    self.mark[s as usize] = epoch;
                    stack.push(s);
                }
            }
        }
        acc
    }

    fn intern(&mut self, db: &Db, key: &TraitKey) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            key: key.clone(),
            name: db
                .trait_def(key)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            supers: None,
            own: None,
            rep: None,
            totals: None,
            index: NONE,
            low: NONE,
            on_stack: false,
        });
        self.ids.insert(key.clone(), id);
        id
    }

    /// Resolves the node's supertraits and what it reports itself.
    fn visit(&mut self, db: &Db, memo: &mut ClosureMemo, id: u32) {
        if self.nodes[id as usize].supers.is_some() {
            return;
        }
        let key = self.nodes[id as usize].key.clone();
        let resolved = memo.supers(db, &key);
        let supers = resolved
            .iter()
            .map(|s| s.as_ref().ok().map(|s| self.intern(db, s)))
            .collect();
        let unresolved = resolved.iter().filter_map(|s| s.clone().err()).collect();
        let node = &mut self.nodes[id as usize];
        node.supers = Some(supers);
        node.own = Own::of(db, memo, &key, unresolved).map(Arc::new);
    }

    fn edge(&self, v: u32, i: usize) -> Option<Option<u32>> {
        self.nodes[v as usize]
            .supers
            .as_deref()
            .and_then(|s| s.get(i).copied())
    }

    /// Settles the report of every trait of `root`'s closure not settled yet: Tarjan's
    /// algorithm, without recursion; a component is settled when it is complete, after every
    /// component it reaches.
    fn settle_closure(&mut self, db: &Db, memo: &mut ClosureMemo, root: u32) {
        if self.nodes[root as usize].rep.is_some() {
            return;
        }
        let mut stack = Vec::new();
        // (node, its next bound to look at)
        let mut calls = vec![(root, 0usize)];
        self.open(db, memo, root, &mut stack);
        while let Some(top) = calls.last_mut() {
            let (v, i) = *top;
            if let Some(edge) = self.edge(v, i) {
                top.1 += 1;
                let Some(w) = edge else { continue };
                let n = &self.nodes[w as usize];
                if n.rep.is_some() {
                    continue;
                }
                if n.index == NONE {
                    self.open(db, memo, w, &mut stack);
                    calls.push((w, 0));
                } else if n.on_stack {
                    let index = n.index;
                    let n = &mut self.nodes[v as usize];
                    n.low = n.low.min(index);
                }
                continue;
            }
            calls.pop();
            let (index, low) = (self.nodes[v as usize].index, self.nodes[v as usize].low);
            if let Some(&(p, _)) = calls.last() {
                let n = &mut self.nodes[p as usize];
                n.low = n.low.min(low);
            }
            if low == index {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    self.nodes[w as usize].on_stack = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if let [one] = component[..] {
                    self.settle_one(one);
                } else {
                    self.settle_cycle(&component);
                }
            }
        }
    }

    fn open(&mut self, db: &Db, memo: &mut ClosureMemo, v: u32, stack: &mut Vec<u32>) {
        self.visit(db, memo, v);
        let n = &mut self.nodes[v as usize];
        n.index = self.visited;
        n.low = self.visited;
        n.on_stack = true;
        self.visited += 1;
        stack.push(v);
    }

    fn reports_anything(&self, v: u32) -> bool {
        !matches!(self.nodes[v as usize].rep, Some(Rep::Empty) | None)
    }

    /// A trait in no cycle (a bound on itself aside): its supertraits are settled.
    fn settle_one(&mut self, v: u32) {
        // Its supertraits with anything to report, each once, in the order of their first
        // bound (a later bound on the same trait is never the first link).
        let mut seen = HashSet::new();
        let reporting: Vec<u32> = self.nodes[v as usize]
            .supers
            .iter()
            .flatten()
            .flatten()
            .copied()
            .filter(|&s| s != v && seen.insert(s) && self.reports_anything(s))
            .collect();
        let own = self.nodes[v as usize].own.is_some();
        let rep = match (own, &reporting[..]) {
            (false, []) => Rep::Empty,
            (true, []) => Rep::Own { next: None },
            (true, &[s]) => Rep::Own { next: Some(s) },
            (false, &[s]) => match self.nodes[s as usize].rep {
                Some(Rep::Shared { jump, shift, .. }) => Rep::Shared {
                    next: s,
                    jump,
                    shift: shift + 1,
                },
                _ => Rep::Shared {
                    next: s,
                    jump: s,
                    shift: 1,
                },
            },
            _ => {
                // Per reported trait: (distance, first link, position in that link's report).
                let mut best: HashMap<u32, (u32, u32, u32)> = HashMap::new();
                let mut complete = true;
                for (b, &s) in reporting.iter().enumerate() {
                    let (kept, whole) = self.kept_entries(s);
                    complete &= whole;
                    for (pos, (x, dist)) in kept.into_iter().enumerate() {
                        let candidate = (dist + 1, b as u32, pos as u32);
                        best.entry(x)
                            .and_modify(|c| {
                                if candidate.0 < c.0 {
                                    *c = candidate;
                                }
                            })
                            .or_insert(candidate);
                    }
                }
                let mut sorted: Vec<((u32, u32, u32), u32)> =
                    best.into_iter().map(|(x, c)| (c, x)).collect();
                sorted.sort_unstable();
                let mut entries = Vec::with_capacity(sorted.len() + 1);
                if own {
                    entries.push(Entry {
                        x: v,
                        dist: 0,
                        next: NONE,
                        pos: 0,
                    });
                }
                entries.extend(sorted.into_iter().map(|((dist, b, pos), x)| Entry {
                    x,
                    dist,
                    next: reporting[b as usize],
                    pos,
                }));
                // Only what a verdict or a report merged from this one can read (see
                // `KEPT`): a ladder of diamonds kept every trait of every closure.
                let mut only_violations = 0usize;
                entries.retain(|e| {
                    if self.reports_more_than_violations(e.x) {
                        return true;
                    }
                    only_violations += 1;
                    only_violations <= KEPT
                });
                Rep::Merged {
                    entries,
                    complete: complete && only_violations <= KEPT,
                }
            }
        };
        self.nodes[v as usize].rep = Some(rep);
    }

    /// A cycle: every member reaches every trait any of them reports. Per reported trait, the
    /// members' distances to it (a shortest-path search over the component's bounds, from the
    /// trait itself or from the members whose bounds leave the component towards it), then
    /// the first link of each member's chain; then the order, level by level.
    fn settle_cycle(&mut self, component: &[u32]) {
        let n = component.len();
        let local: HashMap<u32, usize> =
            component.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        // The component's bounds, reversed.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        // Per reported trait, where a chain to it starts: at the trait itself, or through a
        // bound leaving the component.
        let mut seeds: HashMap<u32, Vec<Link>> = HashMap::new();
        // Whether every report read from outside the component was read whole.
        let mut complete = true;
        let mut targets = Vec::new();
        for (i, &y) in component.iter().enumerate() {
            if self.nodes[y as usize].own.is_some() {
                targets.push(y);
                seeds.entry(y).or_default().push(Link {
                    member: i,
                    dist: 0,
                    first: 0,
                    x: y,
                    next: NONE,
                    pos: Some(0),
                });
            }
            let supers = self.nodes[y as usize].supers.clone().unwrap_or_default();
            let mut seen = HashSet::new();
            for (b, s) in supers.into_iter().enumerate() {
                let Some(s) = s else { continue };
                if s == y || !seen.insert(s) {
                    continue;
                }
                if let Some(&j) = local.get(&s) {
                    preds[j].push(i);
                    continue;
                }
                let (kept, whole) = self.kept_entries(s);
                complete &= whole;
                for (pos, (x, dist)) in kept.into_iter().enumerate() {
                    let list = seeds.entry(x).or_default();
                    if list.is_empty() {
                        targets.push(x);
                    }
                    list.push(Link {
                        member: i,
                        dist: dist + 1,
                        first: b as u32,
                        x,
                        next: s,
                        pos: Some(pos as u32),
                    });
                }
            }
        }
        // The first link of each member's chain to each reported trait.
        let mut links: Vec<Link> = Vec::new();
        let mut dist = vec![u32::MAX; n];
        // Per member, its best seed: the shortest chain out of the component (or the member
        // itself, at distance 0), on the first bound among equals.
        let mut leaving: Vec<Option<Link>> = vec![None; n];
        for &x in &targets {
            dist.fill(u32::MAX);
            leaving.fill(None);
            let mut heap = BinaryHeap::new();
            for seed in &seeds[&x] {
                let i = seed.member;
                if seed.dist < dist[i] {
                    dist[i] = seed.dist;
                    heap.push(Reverse((seed.dist, i)));
                }
                if leaving[i].is_none_or(|l| (seed.dist, seed.first) < (l.dist, l.first)) {
                    leaving[i] = Some(*seed);
                }
            }
            while let Some(Reverse((d, i))) = heap.pop() {
                if d > dist[i] {
                    continue;
                }
                for &p in &preds[i] {
                    if d + 1 < dist[p] {
                        dist[p] = d + 1;
                        heap.push(Reverse((d + 1, p)));
                    }
                }
            }
            for (i, &y) in component.iter().enumerate() {
                let d = dist[i];
                if d == u32::MAX {
                    continue;
                }
                // The first bound through which a shortest chain goes: inside the component
                // (that member's position of `x` is known once its level is settled), or
                // out of it.
                let inside = self.nodes[y as usize]
                    .supers
                    .iter()
                    .flatten()
                    .enumerate()
                    .find_map(|(b, s)| {
                        let s = (*s)?;
                        let j = *local.get(&s)?;
                        (s != y && dist[j] != u32::MAX && dist[j] + 1 == d).then_some(Link {
                            member: i,
                            dist: d,
                            first: b as u32,
                            x,
                            next: s,
                            pos: None,
                        })
                    });
                let outside = leaving[i].filter(|l| l.dist == d);
                let first = match (inside, outside) {
                    (Some(a), Some(b)) => Some(if a.first < b.first { a } else { b }),
                    (a, b) => a.or(b),
                };
                links.extend(first);
            }
        }
        links.sort_unstable_by_key(|l| l.dist);
        let mut entries: Vec<Vec<Entry>> = (0..n).map(|_| Vec::new()).collect();
        let mut position: HashMap<(u32, u32), u32> = HashMap::new();
        let mut start = 0;
        while start < links.len() {
            let d = links[start].dist;
            let end = start + links[start..].partition_point(|l| l.dist == d);
            let level = &mut links[start..end];
            for l in level.iter_mut() {
                if l.pos.is_none() {
                    l.pos = position.get(&(l.next, l.x)).copied();
                }
            }
            level.sort_unstable_by_key(|l| (l.member, l.first, l.pos));
            for l in level.iter() {
                position.insert((component[l.member], l.x), entries[l.member].len() as u32);
                entries[l.member].push(Entry {
                    x: l.x,
                    dist: l.dist,
                    next: l.next,
                    pos: l.pos.unwrap_or(0),
                });
            }
            start = end;
        }
        for (i, e) in entries.into_iter().enumerate() {
            self.nodes[component[i] as usize].rep = Some(if e.is_empty() {
                Rep::Empty
            } else {
                Rep::Merged {
                    entries: e,
                    complete,
                }
            });
        }
    }

    /// What a report merged from `v`'s reads of it: its first [`KEPT`] traits that report
    /// only violations, and every trait that reports more (the whole report when there is
    /// one: a chain is read no further than that); and whether that is every reporting trait
    /// of `v`'s closure.
    fn kept_entries(&mut self, v: u32) -> (Vec<(u32, u32)>, bool) {
        if self.totals(v).1 {
            return self.entries_while(v, || true);
        }
        let mut taken = 0usize;
        self.entries_while(v, || {
            taken += 1;
            taken <= KEPT
        })
    }

    /// Whether the trait reports more than violations ([`Own::more_than_violations`]).
    fn reports_more_than_violations(&self, x: u32) -> bool {
        self.nodes[x as usize]
            .own
            .as_ref()
            .is_some_and(|o| o.more_than_violations())
    }

    /// A settled report read out: (reported trait, distance), in order, while `more` says to
    /// go on (asked before each entry is taken); and whether that is every reporting trait of
    /// the closure (the report read to its end, and complete).
    fn entries_while(&self, v: u32, mut more: impl FnMut() -> bool) -> (Vec<(u32, u32)>, bool) {
        let mut out = Vec::new();
        let (mut v, mut shift) = (v, 0);
        loop {
            match &self.nodes[v as usize].rep {
                None | Some(Rep::Empty) => return (out, true),
                Some(Rep::Merged { entries, complete }) => {
                    for e in entries {
                        if !more() {
                            return (out, false);
                        }
                        out.push((e.x, e.dist + shift));
                    }
                    return (out, *complete);
                }
                Some(Rep::Own { next }) => {
                    if !more() {
                        return (out, false);
                    }
                    out.push((v, shift));
                    let Some(next) = *next else {
                        return (out, true);
                    };
                    v = next;
                    shift += 1;
                }
                Some(Rep::Shared { jump, shift: s, .. }) => {
                    v = *jump;
                    shift += s;
                }
            }
        }
    }

    /// The next link of the chain to the entry at `pos` of `v`'s report: the supertrait, and
    /// the entry's position in its report.
    fn step(&self, v: u32, pos: u32) -> Option<(u32, u32)> {
        match self.nodes[v as usize].rep.as_ref()? {
            Rep::Empty => None,
            Rep::Own { next } => Some((((*next)?), pos.checked_sub(1)?)),
            Rep::Shared { next, .. } => Some((*next, pos)),
            Rep::Merged { entries, .. } => {
                let e = entries.get(pos as usize)?;
                (e.next != NONE).then_some((e.next, e.pos))
            }
        }
    }

    /// The first `take` names of the chain from `v` to the entry at `pos` of its report
    /// (`dist` links long).
    fn chain(&self, v: u32, pos: u32, dist: u32, take: u32) -> Vec<String> {
        let mut names = Vec::with_capacity(take.min(dist) as usize + 2);
        let (mut v, mut pos) = (v, pos);
        for _ in 0..take.min(dist) {
            let Some((next, p)) = self.step(v, pos) else {
                break;
            };
            names.push(self.nodes[next as usize].name.clone());
            (v, pos) = (next, p);
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use dynlens_std::StdLibrary;

    use super::super::{
        UnknownShape, Verdict, VerdictCache, Violation, method_verdicts, own_violations,
        requires_sized_trait, supertrait_closure, verdict,
    };
    use crate::db::{Db, TraitKey};
    use crate::model::Shape;

    /// A verdict as one breadth-first walk over the trait's whole closure makes it: what the
    /// shared reports must equal.
    fn walked_verdict(db: &Db, key: &TraitKey) -> Option<Verdict> {
        let def = db.trait_def(key)?;
        let (closure, unresolved) = supertrait_closure(db, key);
        let shown = super::super::abbreviated_chain;
        let mut violations: Vec<Violation> = Vec::new();
        let mut unknown_shape = None;
        // Past the first `LISTED_TRAITS` traits with violations, a trait with nothing else to
        // report has its violations counted, not listed.
        let (mut with_violations, mut elided) = (0usize, 0usize);
        let mut memo = super::super::ClosureMemo::default();
        for (k, via) in &closure {
            let Some(d) = db.trait_def(k) else { continue };
            let sized = requires_sized_trait(db, k, &mut HashSet::new());
            let own = own_violations(db, k, &d, &shown(via), sized);
            if !own.is_empty() {
                with_violations += 1;
                let only_violations = !matches!(d.shape, Shape::Unknown { .. })
                    && !db.trait_is_incomplete(k)
                    && memo.supers(db, k).iter().all(|s| s.is_ok());
                if with_violations > super::super::LISTED_TRAITS && only_violations {
                    elided += own.len();
                    continue;
                }
            }
            violations.extend(own);
            if let (None, Shape::Unknown { attribute }) = (&unknown_shape, &d.shape) {
                unknown_shape = Some(UnknownShape {
                    trait_name: d.name.clone(),
                    attribute: attribute.clone(),
                    via: shown(via),
                });
            }
        }
        let incomplete = closure
            .iter()
            .map(|(k, _)| k)
            .find(|k| db.trait_is_incomplete(k))
            .and_then(|k| db.trait_def(k))
            .map(|d| d.name.clone());
        let trait_sized = requires_sized_trait(db, key, &mut HashSet::new());
        Some(Verdict {
            key: key.clone(),
            name: def.name.clone(),
            violations,
            elided,
            methods: method_verdicts(db, key, &def, trait_sized),
            unresolved,
            unknown_shape,
            incomplete,
        })
    }

    /// xorshift64*: reproducible without a dependency.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }
    }

    /// A file of `n` traits with random bounds on each other (cycles, bounds on themselves,
    /// repeated bounds, unresolved ones, `Sized`-implying ones), some reporting something of
    /// their own (violations, an unknown attribute, a syntax error), some names repeated.
    ///
    /// `dag`: wide and deep instead, past what a verdict lists: each trait bounds one to three
    /// earlier ones (a rare bound on a later one makes a cycle) and has a violation half the
    /// time, so that reports are merged from reports the merge truncated (`KEPT`).
    fn random_file(rng: &mut Rng, n: usize, chain: bool, dag: bool) -> String {
        let mut text = String::new();
        for i in 0..n {
            let name = if rng.below(12) == 0 && i > 0 {
                rng.below(i)
            } else {
                i
            };
            let mut bounds = Vec::new();
            if chain && i > 0 {
                bounds.push(format!("T{}", i - 1));
            }
            if dag && i > 0 {
                for _ in 0..1 + rng.below(3) {
                    bounds.push(format!("T{}", rng.below(i)));
                }
                if rng.below(40) == 0 {
                    bounds.push(format!("T{}", rng.below(n)));
                }
            }
            for _ in 0..rng.below(if chain || dag { 2 } else { 4 }) {
                bounds.push(match rng.below(10) {
                    0 => "Missing".to_string(),
                    1 => "Clone".to_string(),
                    2 => "Send".to_string(),
                    _ if dag => "Sync".to_string(),
                    _ => format!("T{}", rng.below(n)),
                });
            }
            let mut items = Vec::new();
            if dag && rng.below(2) == 0 {
                items.push("fn generic<X>(&self, x: X);");
            }
            for _ in 0..rng.below(3) {
                items.push(match rng.below(6) {
                    0 => "fn generic<X>(&self, x: X);",
                    1 => "fn stat();",
                    2 => "const C: u8;",
                    3 => "fn back(&self) -> Self;",
                    _ => "fn ok(&self);",
                });
            }
            if rng.below(25) == 0 {
                text.push_str("#[some_unknown_macro]\n");
            }
            if rng.below(30) == 0 {
                items.push("fn broken(&self)");
            }
            let bounds = if bounds.is_empty() {
                String::new()
            } else {
                format!(": {}", bounds.join(" + "))
            };
            text.push_str(&format!(
                "trait T{name}{bounds} {{ {} }}\n",
                items.join(" ")
            ));
        }
        text
    }

    #[test]
    fn inherited_reports_equal_a_walk_per_verdict() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..480 {
            let chain = round % 4 == 0;
            let dag = round % 6 == 5;
            let n = 1 + rng.below(if dag {
                80
            } else if chain {
                24
            } else {
                12
            });
            let text = random_file(&mut rng, n, chain, dag);
            let mut db = Db::new(StdLibrary::catalog());
            let f = db.set_file_text("lib.rs".into(), text.clone());
            let count = db.model(f).map_or(0, |m| m.traits.len());
            let keys: Vec<TraitKey> = (0..count as u32).map(|i| TraitKey::Local(f, i)).collect();
            let expected: Vec<Option<Verdict>> =
                keys.iter().map(|k| walked_verdict(&db, k)).collect();
            // One verdict per request, and every verdict of a request in either order.
            for (k, e) in keys.iter().zip(&expected) {
                assert_eq!(&verdict(&db, k), e, "round {round}, {k:?}:\n{text}");
            }
            for order in [false, true] {
                let mut cache = VerdictCache::default();
                let mut ks: Vec<(&TraitKey, &Option<Verdict>)> =
                    keys.iter().zip(&expected).collect();
                if order {
                    ks.reverse();
                }
                for (k, e) in ks {
                    assert_eq!(
                        cache.verdict(&db, k).as_deref(),
                        e.as_ref(),
                        "round {round}, {k:?}:\n{text}"
                    );
                }
            }
        }
    }
}
