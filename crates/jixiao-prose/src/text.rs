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
        for (i, ch) in src.char_indices() {
            c.push(norm(ch));
            off.push(i);
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
    cn_digit(c).is_some() || cn_mag(c).is_some()
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

fn norm(c: char) -> char {
    if c.is_ascii() {
        return if c == '\t' { ' ' } else { c };
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
        '＝' => '=',
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
        // traditional → simplified, for the chars the reader looks for
        '萬' => '万',
        '億' => '亿',
        '兩' => '两',
        '個' => '个',
        '場' => '场',
        '項' => '项',
        '臺' => '台',
        '對' => '对',
        '條' => '条',
        '張' => '张',
        '間' => '间',
        '處' => '处',
        '輛' => '辆',
        '噸' => '吨',
        '畝' => '亩',
        '戶' => '户',
        '為' => '为',
        '達' => '达',
        '務' => '务',
        '劃' => '划',
        '標' => '标',
        '於' => '于',
        '過' => '过',
        '額' => '额',
        '內' => '内',
        '數' => '数',
        '歲' => '岁',
        '級' => '级',
        '實' => '实',
        '際' => '际',
        '減' => '减',
        '壓' => '压',
        '點' => '点',
        '計' => '计',
        '總' => '总',
        '約' => '约',
        '餘' => '余',
        '預' => '预',
        '擬' => '拟',
        '將' => '将',
        '時' => '时',
        '號' => '号',
        '屆' => '届',
        '週' => '周',
        '別' => '别',
        '進' => '进',
        '備' => '备',
        '準' => '准',
        '現' => '现',
        '設' => '设',
        '隻' => '只',
        '種' => '种',
        '類' => '类',
        '冊' => '册',
        '裡' | '裏' => '里',
        '區' => '区',
        '縣' => '县',
        '鄉' => '乡',
        '鎮' => '镇',
        '農' => '农',
        '業' => '业',
        '員' => '员',
        '學' => '学',
        '醫' => '医',
        '開' => '开',
        '節' => '节',
        '來' => '来',
        '滿' => '满',
        '順' => '顺',
        '漲' => '涨',
        '價' => '价',
        '費' => '费',
        '資' => '资',
        '較' => '较',
        '網' => '网',
        '絡' => '络',
        '稅' => '税',
        '負' => '负',
        '擔' => '担',
        '與' => '与',
        '體' => '体',
        '檢' => '检',
        '試' => '试',
        '課' => '课',
        '護' => '护',
        '養' => '养',
        '婦' => '妇',
        '兒' => '儿',
        '園' => '园',
        '貧' => '贫',
        '補' => '补',
        '貼' => '贴',
        '訓' => '训',
        '練' => '练',
        '會' => '会',
        '動' => '动',
        '專' => '专',
        '門' => '门',
        '單' => '单',
        '統' => '统',
        '圍' => '围',
        '蓋' => '盖',
        '經' => '经',
        '濟' => '济',
        '國' => '国',
        '該' => '该',
        '關' => '关',
        '愛' => '爱',
        '紀' => '纪',
        '階' => '阶',
        '樣' => '样',
        '證' => '证',
        '辦' => '办',
        '審' => '审',
        '頭' => '头',
        '棟' => '栋',
        '層' => '层',
        '機' => '机',
        '構' => '构',
        '營' => '营',
        '環' => '环',
        '調' => '调',
        '療' => '疗',
        '衛' => '卫',
        '長' => '长',
        '們' => '们',
        '這' => '这',
        '後' => '后',
        '還' => '还',
        '沒' => '没',
        '無' => '无',
        '並' => '并',
        '從' => '从',
        '廣' => '广',
        '東' => '东',
        '華' => '华',
        '驗' => '验',
        '質' => '质',
        '讀' => '读',
        '寫' => '写',
        '議' => '议',
        '論' => '论',
        '線' => '线',
        '車' => '车',
        '糧' => '粮',
        '積' => '积',
        '規' => '规',
        '範' => '范',
        '確' => '确',
        '畫' => '画',
        '續' => '续',
        '維' => '维',
        '組' => '组',
        '織' => '织',
        '聯' => '联',
        '優' => '优',
        '筆' => '笔',
        '燈' => '灯',
        '盞' => '盏',
        '雙' => '双',
        '幾' => '几',
        '圖' => '图',
        '書' => '书',
        '館' => '馆',
        '舉' => '举',
        '運' => '运',
        '輸' => '输',
        '廠' => '厂',
        '電' => '电',
        '話' => '话',
        '問' => '问',
        '題' => '题',
        '歡' => '欢',
        '幫' => '帮',
        '貸' => '贷',
        '險' => '险',
        _ => c,
    }
}
