//! A text prepared for scanning: one normalised char per source char, with byte offsets back
//! into the source, so every span the reader reports is a slice of the caller's string.
//!
//! Normalisation is one char to one char: full-width digits and signs become ASCII, and the
//! traditional forms of the characters the reader looks for (units, keywords) become simplified.
//! Characters the reader never looks at are kept as they are.

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

/// Traditional → simplified for the chars the reader looks for, sorted by the first char.
const TRAD: &[(char, char)] = &[
    ('並', '并'),
    ('來', '来'),
    ('個', '个'),
    ('們', '们'),
    ('備', '备'),
    ('價', '价'),
    ('億', '亿'),
    ('優', '优'),
    ('兒', '儿'),
    ('內', '内'),
    ('兩', '两'),
    ('冊', '册'),
    ('別', '别'),
    ('劃', '划'),
    ('動', '动'),
    ('務', '务'),
    ('區', '区'),
    ('員', '员'),
    ('問', '问'),
    ('單', '单'),
    ('噸', '吨'),
    ('國', '国'),
    ('圍', '围'),
    ('園', '园'),
    ('圖', '图'),
    ('場', '场'),
    ('壓', '压'),
    ('婦', '妇'),
    ('學', '学'),
    ('實', '实'),
    ('審', '审'),
    ('寫', '写'),
    ('將', '将'),
    ('專', '专'),
    ('對', '对'),
    ('屆', '届'),
    ('層', '层'),
    ('幫', '帮'),
    ('幾', '几'),
    ('廠', '厂'),
    ('廣', '广'),
    ('張', '张'),
    ('後', '后'),
    ('從', '从'),
    ('愛', '爱'),
    ('戶', '户'),
    ('擔', '担'),
    ('擬', '拟'),
    ('數', '数'),
    ('於', '于'),
    ('時', '时'),
    ('書', '书'),
    ('會', '会'),
    ('東', '东'),
    ('條', '条'),
    ('棟', '栋'),
    ('業', '业'),
    ('構', '构'),
    ('標', '标'),
    ('樣', '样'),
    ('機', '机'),
    ('檢', '检'),
    ('歡', '欢'),
    ('歲', '岁'),
    ('沒', '没'),
    ('減', '减'),
    ('準', '准'),
    ('滿', '满'),
    ('漲', '涨'),
    ('濟', '济'),
    ('為', '为'),
    ('無', '无'),
    ('燈', '灯'),
    ('營', '营'),
    ('現', '现'),
    ('環', '环'),
    ('畝', '亩'),
    ('畫', '画'),
    ('療', '疗'),
    ('盞', '盏'),
    ('確', '确'),
    ('稅', '税'),
    ('種', '种'),
    ('積', '积'),
    ('筆', '笔'),
    ('節', '节'),
    ('範', '范'),
    ('糧', '粮'),
    ('紀', '纪'),
    ('約', '约'),
    ('級', '级'),
    ('組', '组'),
    ('絡', '络'),
    ('統', '统'),
    ('經', '经'),
    ('維', '维'),
    ('網', '网'),
    ('線', '线'),
    ('練', '练'),
    ('縣', '县'),
    ('總', '总'),
    ('織', '织'),
    ('續', '续'),
    ('聯', '联'),
    ('臺', '台'),
    ('與', '与'),
    ('舉', '举'),
    ('華', '华'),
    ('萬', '万'),
    ('蓋', '盖'),
    ('處', '处'),
    ('號', '号'),
    ('衛', '卫'),
    ('裏', '里'),
    ('補', '补'),
    ('規', '规'),
    ('計', '计'),
    ('訓', '训'),
    ('設', '设'),
    ('試', '试'),
    ('話', '话'),
    ('該', '该'),
    ('課', '课'),
    ('調', '调'),
    ('論', '论'),
    ('證', '证'),
    ('議', '议'),
    ('護', '护'),
    ('讀', '读'),
    ('負', '负'),
    ('貧', '贫'),
    ('貸', '贷'),
    ('費', '费'),
    ('貼', '贴'),
    ('資', '资'),
    ('質', '质'),
    ('車', '车'),
    ('較', '较'),
    ('輛', '辆'),
    ('輸', '输'),
    ('辦', '办'),
    ('農', '农'),
    ('這', '这'),
    ('週', '周'),
    ('進', '进'),
    ('運', '运'),
    ('過', '过'),
    ('達', '达'),
    ('還', '还'),
    ('鄉', '乡'),
    ('醫', '医'),
    ('鎮', '镇'),
    ('長', '长'),
    ('門', '门'),
    ('開', '开'),
    ('間', '间'),
    ('關', '关'),
    ('階', '阶'),
    ('際', '际'),
    ('險', '险'),
    ('隻', '只'),
    ('雙', '双'),
    ('電', '电'),
    ('項', '项'),
    ('順', '顺'),
    ('預', '预'),
    ('頭', '头'),
    ('題', '题'),
    ('額', '额'),
    ('類', '类'),
    ('養', '养'),
    ('餘', '余'),
    ('館', '馆'),
    ('驗', '验'),
    ('體', '体'),
    ('點', '点'),
];

/// A 1024-bit filter over `TRAD`'s first chars: most chars of a text skip the search.
const TRAD_FILTER: [u64; 16] = {
    let mut f = [0u64; 16];
    let mut i = 0;
    while i < TRAD.len() {
        let h = TRAD[i].0 as usize & 1023;
        f[h / 64] |= 1 << (h % 64);
        i += 1;
    }
    f
};

#[inline(always)]
fn simplified(c: char) -> char {
    let h = c as usize & 1023;
    if TRAD_FILTER[h / 64] & (1 << (h % 64)) == 0 {
        return c;
    }
    TRAD.binary_search_by_key(&c, |&(t, _)| t)
        .map_or(c, |k| TRAD[k].1)
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

    #[test]
    fn the_traditional_table_is_sorted_for_binary_search() {
        assert!(TRAD.windows(2).all(|w| w[0].0 < w[1].0));
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
