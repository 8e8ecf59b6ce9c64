//! A text prepared for scanning: one normalised char per source char, with byte offsets back
//! into the source, so every span the reader reports is a slice of the caller's string.
//!
//! Normalisation is one char to one char: full-width digits and signs become ASCII, and
//! traditional ideographs become simplified (OpenCC's character table, `trad.rs`), so a word list
//! written in simplified characters reads a page in either script.

use crate::trad::simplified;

/// The source text, its normalised chars and the byte offset of each char.
pub(crate) struct Text<'a> {
    pub src: &'a str,
    pub c: Vec<char>,
    /// `off[i]` is the byte offset of char `i`; `off[c.len()] == src.len()`.
    pub off: Vec<usize>,
}

impl<'a> Text<'a> {
    pub fn new(src: &'a str) -> Text<'a> {
        let mut c = Vec::with_capacity(src.len() / 2);
        let mut off = Vec::with_capacity(src.len() / 2 + 1);
        let mut skip_to = 0;
        let mut prev = ' ';
        for (i, ch) in src.char_indices() {
            if i < skip_to {
                continue;
            }
            // Some mirrors of government pages gloss characters with pinyin: 項(xiàng)目,
            // 個(gè). The gloss is skipped (its bytes stay inside the spans around it).
            if (ch == '(' || ch == '（')
                && is_cjk(prev)
                && let Some(len) = pinyin_gloss(&src[i..])
            {
                skip_to = i + len;
                continue;
            }
            c.push(norm(ch));
            off.push(i);
            prev = ch;
        }
        off.push(src.len());
        Text { src, c, off }
    }

    pub fn len(&self) -> usize {
        self.c.len()
    }

    /// Does the text at char `i` start with `pat` (already normalised)?
    pub fn at(&self, i: usize, pat: &str) -> bool {
        for (j, p) in pat.chars().enumerate() {
            if self.c.get(i + j) != Some(&p) {
                return false;
            }
        }
        true
    }

    /// Does the text ending just before char `end` end with `pat`?
    pub fn ends(&self, end: usize, pat: &str) -> bool {
        let mut j = end;
        for p in pat.chars().rev() {
            if j == 0 || self.c.get(j - 1) != Some(&p) {
                return false;
            }
            j -= 1;
        }
        true
    }

    /// The first of `words` found in chars `a..b` (each word must lie inside), scanning once;
    /// `first` tells which chars can start a word.
    pub fn find_any(
        &self,
        a: usize,
        b: usize,
        words: &[&'static str],
        first: impl Fn(char) -> bool,
    ) -> Option<&'static str> {
        let b = b.min(self.c.len());
        (a..b).find_map(|i| {
            if !first(self.c[i]) {
                return None;
            }
            words
                .iter()
                .copied()
                .find(|w| w.starts_with(self.c[i]) && self.at(i, w) && i + w.chars().count() <= b)
        })
    }

    /// The source slice for chars `a..b`.
    pub fn slice(&self, a: usize, b: usize) -> &'a str {
        &self.src[self.off[a]..self.off[b]]
    }

    /// Does chars `a..b` contain `pat`?
    pub fn contains(&self, a: usize, b: usize, pat: &str) -> bool {
        let Some(first) = pat.chars().next() else {
            return true;
        };
        let b = b.min(self.c.len());
        (a..b).any(|i| self.c[i] == first && self.at(i, pat) && i + pat.chars().count() <= b)
    }
}

pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Chinese numeral characters (after normalisation).
pub(crate) fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Chinese magnitude characters.
pub(crate) fn cn_mag(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

pub(crate) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
    )
}

/// The byte length of a pinyin gloss at the start of `s` (`(xiàng)`, `（gè）`), if it is one:
/// one to seven lowercase Latin letters with at least one tone mark, in parentheses.
fn pinyin_gloss(s: &str) -> Option<usize> {
    let mut it = s.char_indices();
    let (_, open) = it.next()?;
    let close = if open == '(' { ')' } else { '）' };
    let (mut letters, mut tone) = (0, false);
    for (k, ch) in it {
        if ch == close {
            return (letters > 0 && tone).then_some(k + ch.len_utf8());
        }
        let toned = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(ch);
        if !(ch.is_ascii_lowercase() || toned) || letters == 7 {
            return None;
        }
        tone |= toned;
        letters += 1;
    }
    None
}

/// Separators that end a clause (for `what`, constraints and plan words).
pub(crate) fn is_clause_sep(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '；' | ';' | '！' | '!' | '？' | '?' | '\n' | '\r' | '|' | ':' | '、'
    )
}

/// Separators that end a sentence (for the pairing context window).
pub(crate) fn is_sentence_sep(c: char) -> bool {
    matches!(
        c,
        '。' | '；' | ';' | '！' | '!' | '？' | '?' | '\n' | '\r' | '|'
    )
}

/// CJK ideographs (the chars that carry words).
pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

#[inline(always)]
fn norm(c: char) -> char {
    if c.is_ascii() {
        return if c == '\t' { ' ' } else { c };
    }
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return simplified(c);
    }
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '％' | '﹪' => '%',
        '（' => '(',
        '）' => ')',
        '：' => ':',
        '＜' => '<',
        '＞' => '>',
        '＝' | '═' => '=',
        '≧' => '≥',
        '≦' => '≤',
        '／' => '/',
        '＊' | '×' => '*',
        '～' | '〜' => '~',
        '－' | '–' | '—' => '-',
        '｜' => '|',
        '\u{3000}' | '\t' | '\u{a0}' => ' ',
        '∶' => ':',
        '＋' => '+',
        '＂' => '"',
        '•' | '・' | '‧' => '·',
        _ => simplified(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeral_chars_agree_with_their_values() {
        for c in "零〇一二两三四五六七八九十百千万亿".chars() {
            assert!(is_cn_numeral(c), "{c}");
            assert!(cn_digit(c).is_some() || cn_mag(c).is_some(), "{c}");
        }
        assert!(!is_cn_numeral('个'));
    }

    fn pairs() -> Vec<(char, char)> {
        let c: Vec<char> = crate::trad::PAIRS.chars().collect();
        c.chunks(2).map(|p| (p[0], p[1])).collect()
    }

    #[test]
    fn the_traditional_table_is_sorted_and_every_pair_is_read() {
        let p = pairs();
        assert!(p.len() > 2500, "{}", p.len());
        assert!(p.windows(2).all(|w| w[0].0 < w[1].0));
        for &(t, s) in &p {
            assert_eq!(simplified(t), s, "{t}");
        }
    }

    #[test]
    fn a_simplified_char_is_never_rewritten_by_the_traditional_table() {
        // one step, and only chars that are not simplified themselves (著 stays: 显著)
        for (t, s) in pairs() {
            assert_ne!(t, s);
            assert_eq!(simplified(s), s, "{t} → {s}");
        }
        for c in "显著培训完成任务目标计划投资开工竣工圆满".chars() {
            assert_eq!(simplified(c), c, "{c}");
        }
    }

    #[test]
    fn traditional_words_of_progress_reports_read_as_simplified() {
        let cases = [
            ("降低30%的承諾", "降低30%的承诺"),
            ("累計撥付資金", "累计拨付资金"),
            ("改擴建幼兒園", "改扩建幼儿园"),
            ("規模以上工業產值", "规模以上工业产值"),
            ("績效目標", "绩效目标"),
            ("發放補貼", "发放补贴"),
            ("舊住房綜合改造", "旧住房综合改造"),
        ];
        for (src, want) in cases {
            let t = Text::new(src);
            assert_eq!(t.c.iter().collect::<String>(), want, "{src}");
        }
    }

    #[test]
    fn normalisation_keeps_one_char_per_char() {
        let cases = [
            ("１２．５％", "12.5%"),
            ("萬億兩個場", "万亿两个场"),
            ("（人次）", "(人次)"),
            ("培训", "培训"),
        ];
        for (src, want) in cases {
            let t = Text::new(src);
            assert_eq!(t.c.iter().collect::<String>(), want, "{src}");
            assert_eq!(t.off.len(), t.c.len() + 1);
        }
    }
}
