//! "Menade du …?": the closest names to a mistyped one (Levenshtein distance on characters).

pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Up to three names closest to `wanted` (case-insensitive), nearest first; only names
/// within a third of the longer length, or that contain the wanted text.
pub fn closest<'a>(wanted: &str, names: &'a [String]) -> Vec<&'a str> {
    let w = wanted.trim().to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| {
            let l = n.to_lowercase();
            let d = if l.contains(&w) || w.contains(&l) {
                0
            } else {
                distance(&w, &l)
            };
            (d, n.as_str())
        })
        .filter(|(d, n)| *d <= (w.chars().count().max(n.chars().count()) / 3).max(2))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a6_suggests_the_nearest_committee() {
        let names = vec![
            "Kommunstyrelsen".to_string(),
            "Barn- och utbildningsnämnden".to_string(),
            "Socialnämnden".to_string(),
        ];
        assert_eq!(
            super::closest("Kommunstyrelse", &names),
            vec!["Kommunstyrelsen"]
        );
        assert_eq!(super::closest("socialnamnden", &names)[0], "Socialnämnden");
        assert!(super::closest("Tekniska nämnden", &names).is_empty());
    }
}
