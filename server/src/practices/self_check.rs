//! The self-check: five questions about what you can still do on your own, each rated 1 (very
//! uncomfortable) to 5 (comfortable). More than two uncomfortable answers (2 or less) mean it is
//! time to lean on the practices; the interpretation says which, plainly.

use chrono::NaiveDate;

pub const QUESTIONS: [&str; 5] = [
    "Explain the architecture of your last feature, without looking at the code.",
    "Debug a logic error in code you wrote three months ago, without AI.",
    "Design a solution for a kind of problem you have only ever solved with AI.",
    "Explain one of your technical choices to a non-technical person.",
    "Think of something you can no longer imagine doing without AI. How comfortable is that?",
];

/// Short names for the comparison table.
const SHORT: [&str; 5] = [
    "explain your last feature's architecture",
    "debug old code without AI",
    "design what you only solved with AI",
    "explain a choice to a non-technical person",
    "something you can't do without AI",
];

/// What each uncomfortable answer suggests leaning on.
const PRACTICE: [&str; 5] = [
    "write down how your last feature fits together, in your own words: a `mindgap learn` entry or an explanation file (`.mindgap/explanations/`) for its biggest block",
    "next time something breaks, open a struggle window first (`mindgap.struggle.start`, or `:Mindgap stuck` in Neovim) and try three things yourself before asking",
    "do one feature this week as a manual task (`mindgap task start NAME --manual`): sketch the design on paper before any prompt",
    "after a decision, write two plain sentences about why in your learning log, as if for a friend who does not code",
    "make that exact skill your next monthly audit (`mindgap audit`): do it once without help and write down what you could not do",
];

pub const SCALE: &str = "1 = very uncomfortable … 5 = comfortable";

/// An answer of this or less is uncomfortable.
pub const UNCOMFORTABLE: u8 = 2;

pub type Ratings = [u8; 5];

/// One rating from what a person typed.
pub fn parse_rating(s: &str) -> Result<u8, String> {
    match s.trim().parse::<u8>() {
        Ok(n @ 1..=5) => Ok(n),
        _ => Err(format!(
            "{:?} is not a rating: answer with a number from 1 (very uncomfortable) to 5 (comfortable).",
            s.trim()
        )),
    }
}

/// Five ratings from `4,2,3,5,1` (commas and/or spaces).
pub fn parse_ratings(s: &str) -> Result<Ratings, String> {
    let parts: Vec<&str> = s
        .split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .collect();
    if parts.len() != 5 {
        return Err(format!(
            "--ratings takes five numbers from 1 to 5, one per question, e.g. --ratings 4,2,3,5,1 (got {}).",
            parts.len()
        ));
    }
    let mut out = [0; 5];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = parse_rating(p)?;
    }
    Ok(out)
}

/// Ratings from JSON numbers (the LSP command).
pub fn ratings_from_json(v: &serde_json::Value) -> Result<Ratings, String> {
    let arr = v
        .as_array()
        .filter(|a| a.len() == 5)
        .ok_or("ratings must be five numbers from 1 to 5")?;
    let mut out = [0; 5];
    for (o, r) in out.iter_mut().zip(arr) {
        *o = r
            .as_u64()
            .filter(|n| (1..=5).contains(n))
            .ok_or("ratings must be five numbers from 1 to 5")? as u8;
    }
    Ok(out)
}

/// How many answers are uncomfortable.
pub fn uncomfortable(r: &Ratings) -> usize {
    r.iter().filter(|&&n| n <= UNCOMFORTABLE).count()
}

/// What the ratings mean, plainly and kindly, with what to do next.
pub fn interpret(r: &Ratings) -> String {
    let low: Vec<usize> = (0..5).filter(|&i| r[i] <= UNCOMFORTABLE).collect();
    if low.len() > 2 {
        let mut out = format!(
            "{} of five feel uncomfortable. That is not a verdict on you: it means some skills are \
             getting less practice than they used to, which is what happens when help is always at \
             hand. It is fixable, one small habit at a time. For the next weeks:\n",
            low.len()
        );
        for i in low {
            out.push_str(&format!("- {}: {}.\n", capitalize(SHORT[i]), PRACTICE[i]));
        }
        out.push_str("Check again in a month (`mindgap self-check`) and compare.\n");
        out
    } else if !low.is_empty() {
        let mut out = String::from(
            "Mostly comfortable. Keep the practices going where it is not yet easy:\n",
        );
        for i in low {
            out.push_str(&format!("- {}: {}.\n", capitalize(SHORT[i]), PRACTICE[i]));
        }
        out
    } else {
        "Comfortable across the board. Keep it that way: one manual feature a week and a monthly \
         audit keep these skills in use.\n"
            .to_string()
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The ratings beside the previous self-check's (if any).
pub fn compare(now: &Ratings, previous: Option<(NaiveDate, Ratings)>) -> String {
    let mut out = String::new();
    match previous {
        Some((d, _)) => out.push_str(&format!(
            "{:<46} {:>5} {:>10}\n",
            "",
            "now",
            d.format("%Y-%m-%d")
        )),
        None => out.push_str(&format!("{:<46} {:>5}\n", "", "now")),
    }
    for i in 0..5 {
        let line = format!("{}. {}", i + 1, SHORT[i]);
        match previous {
            Some((_, p)) => {
                let arrow = match now[i].cmp(&p[i]) {
                    std::cmp::Ordering::Greater => "↑",
                    std::cmp::Ordering::Less => "↓",
                    std::cmp::Ordering::Equal => " ",
                };
                out.push_str(&format!("{line:<46} {:>5} {:>10} {arrow}\n", now[i], p[i]));
            }
            None => out.push_str(&format!("{line:<46} {:>5}\n", now[i])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_parse_strictly() {
        assert_eq!(parse_ratings("4,2,3,5,1").unwrap(), [4, 2, 3, 5, 1]);
        assert_eq!(parse_ratings("4 2, 3 5 1").unwrap(), [4, 2, 3, 5, 1]);
        assert!(parse_ratings("4,2,3,5").is_err());
        assert!(parse_ratings("4,2,3,5,6").is_err());
        assert!(parse_ratings("4,2,x,5,1").is_err());
        assert_eq!(parse_rating(" 3\n").unwrap(), 3);
        assert_eq!(
            ratings_from_json(&serde_json::json!([1, 2, 3, 4, 5])).unwrap(),
            [1, 2, 3, 4, 5]
        );
        assert!(ratings_from_json(&serde_json::json!([1, 2, 3, 4, 0])).is_err());
        assert!(ratings_from_json(&serde_json::json!("12345")).is_err());
    }

    #[test]
    fn more_than_two_uncomfortable_names_the_practices() {
        let t = interpret(&[2, 1, 4, 2, 5]);
        assert!(t.starts_with("3 of five feel uncomfortable"), "{t}");
        assert!(t.contains("struggle window"));
        assert!(t.contains("learning log"));
        assert!(!t.contains("manual task"));
        assert!(interpret(&[2, 1, 4, 4, 5]).starts_with("Mostly comfortable"));
        assert!(interpret(&[3, 3, 4, 4, 5]).starts_with("Comfortable"));
        assert_eq!(uncomfortable(&[2, 1, 4, 2, 5]), 3);
    }

    #[test]
    fn compares_with_the_previous_check() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let t = compare(&[4, 2, 3, 5, 1], Some((d, [3, 2, 4, 5, 1])));
        assert!(t.contains("2026-10-01"));
        let first = t.lines().nth(1).unwrap();
        assert!(first.ends_with('↑'), "{first}");
        assert!(t.lines().nth(3).unwrap().ends_with('↓'));
        assert!(!compare(&[4, 2, 3, 5, 1], None).contains('↑'));
    }
}
