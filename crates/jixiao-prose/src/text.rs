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
    ('傳', '传'),
    ('債', '债'),
    ('價', '价'),
    ('億', '亿'),
    ('優', '优'),
    ('儲', '储'),
    ('兌', '兑'),
    ('兒', '儿'),
    ('內', '内'),
    ('兩', '两'),
    ('冊', '册'),
    ('別', '别'),
    ('創', '创'),
    ('劃', '划'),
    ('劑', '剂'),
    ('動', '动'),
    ('務', '务'),
    ('勞', '劳'),
    ('勵', '励'),
    ('區', '区'),
    ('協', '协'),
    ('員', '员'),
    ('問', '问'),
    ('啟', '启'),
    ('單', '单'),
    ('噸', '吨'),
    ('國', '国'),
    ('圍', '围'),
    ('園', '园'),
    ('圖', '图'),
    ('執', '执'),
    ('報', '报'),
    ('場', '场'),
    ('塊', '块'),
    ('壓', '压'),
    ('婦', '妇'),
    ('孫', '孙'),
    ('學', '学'),
    ('實', '实'),
    ('審', '审'),
    ('寫', '写'),
    ('將', '将'),
    ('專', '专'),
    ('對', '对'),
    ('導', '导'),
    ('屆', '届'),
    ('層', '层'),
    ('師', '师'),
    ('幣', '币'),
    ('幫', '帮'),
    ('幾', '几'),
    ('庫', '库'),
    ('廁', '厕'),
    ('廠', '厂'),
    ('廢', '废'),
    ('廣', '广'),
    ('廳', '厅'),
    ('張', '张'),
    ('後', '后'),
    ('從', '从'),
    ('愛', '爱'),
    ('態', '态'),
    ('慶', '庆'),
    ('應', '应'),
    ('戰', '战'),
    ('戲', '戏'),
    ('戶', '户'),
    ('換', '换'),
    ('撥', '拨'),
    ('擔', '担'),
    ('據', '据'),
    ('擬', '拟'),
    ('擴', '扩'),
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
    ('樓', '楼'),
    ('標', '标'),
    ('樣', '样'),
    ('橋', '桥'),
    ('機', '机'),
    ('檢', '检'),
    ('歡', '欢'),
    ('歲', '岁'),
    ('歷', '历'),
    ('歸', '归'),
    ('殘', '残'),
    ('氣', '气'),
    ('汙', '污'),
    ('沒', '没'),
    ('淨', '净'),
    ('減', '减'),
    ('準', '准'),
    ('滿', '满'),
    ('漲', '涨'),
    ('濟', '济'),
    ('灣', '湾'),
    ('災', '灾'),
    ('為', '为'),
    ('無', '无'),
    ('燈', '灯'),
    ('營', '营'),
    ('爐', '炉'),
    ('牆', '墙'),
    ('猶', '犹'),
    ('獎', '奖'),
    ('獨', '独'),
    ('現', '现'),
    ('環', '环'),
    ('產', '产'),
    ('畝', '亩'),
    ('畢', '毕'),
    ('畫', '画'),
    ('當', '当'),
    ('療', '疗'),
    ('發', '发'),
    ('盞', '盏'),
    ('盡', '尽'),
    ('監', '监'),
    ('盤', '盘'),
    ('眾', '众'),
    ('確', '确'),
    ('碼', '码'),
    ('礎', '础'),
    ('礙', '碍'),
    ('禮', '礼'),
    ('稅', '税'),
    ('種', '种'),
    ('稱', '称'),
    ('穀', '谷'),
    ('積', '积'),
    ('穩', '稳'),
    ('窮', '穷'),
    ('競', '竞'),
    ('筆', '笔'),
    ('節', '节'),
    ('範', '范'),
    ('築', '筑'),
    ('簡', '简'),
    ('簽', '签'),
    ('糧', '粮'),
    ('紀', '纪'),
    ('約', '约'),
    ('紅', '红'),
    ('純', '纯'),
    ('紙', '纸'),
    ('級', '级'),
    ('細', '细'),
    ('終', '终'),
    ('組', '组'),
    ('結', '结'),
    ('絕', '绝'),
    ('絡', '络'),
    ('給', '给'),
    ('統', '统'),
    ('經', '经'),
    ('綜', '综'),
    ('綠', '绿'),
    ('維', '维'),
    ('網', '网'),
    ('緊', '紧'),
    ('緒', '绪'),
    ('線', '线'),
    ('編', '编'),
    ('練', '练'),
    ('縣', '县'),
    ('縮', '缩'),
    ('總', '总'),
    ('績', '绩'),
    ('織', '织'),
    ('繳', '缴'),
    ('繼', '继'),
    ('續', '续'),
    ('罰', '罚'),
    ('義', '义'),
    ('習', '习'),
    ('聞', '闻'),
    ('聯', '联'),
    ('聲', '声'),
    ('職', '职'),
    ('脫', '脱'),
    ('腦', '脑'),
    ('臨', '临'),
    ('臺', '台'),
    ('與', '与'),
    ('興', '兴'),
    ('舉', '举'),
    ('舊', '旧'),
    ('艱', '艰'),
    ('莊', '庄'),
    ('華', '华'),
    ('萬', '万'),
    ('葉', '叶'),
    ('蓋', '盖'),
    ('蘇', '苏'),
    ('處', '处'),
    ('號', '号'),
    ('蟲', '虫'),
    ('術', '术'),
    ('衛', '卫'),
    ('衝', '冲'),
    ('裏', '里'),
    ('補', '补'),
    ('裝', '装'),
    ('裡', '里'),
    ('複', '复'),
    ('見', '见'),
    ('規', '规'),
    ('視', '视'),
    ('親', '亲'),
    ('覺', '觉'),
    ('覽', '览'),
    ('觀', '观'),
    ('觸', '触'),
    ('計', '计'),
    ('討', '讨'),
    ('訓', '训'),
    ('記', '记'),
    ('訪', '访'),
    ('設', '设'),
    ('許', '许'),
    ('診', '诊'),
    ('評', '评'),
    ('詢', '询'),
    ('試', '试'),
    ('話', '话'),
    ('該', '该'),
    ('詳', '详'),
    ('誌', '志'),
    ('認', '认'),
    ('誤', '误'),
    ('說', '说'),
    ('課', '课'),
    ('調', '调'),
    ('談', '谈'),
    ('請', '请'),
    ('論', '论'),
    ('諮', '咨'),
    ('諾', '诺'),
    ('謀', '谋'),
    ('講', '讲'),
    ('證', '证'),
    ('識', '识'),
    ('議', '议'),
    ('護', '护'),
    ('讀', '读'),
    ('變', '变'),
    ('讓', '让'),
    ('豐', '丰'),
    ('豬', '猪'),
    ('貝', '贝'),
    ('負', '负'),
    ('財', '财'),
    ('貧', '贫'),
    ('貨', '货'),
    ('販', '贩'),
    ('貫', '贯'),
    ('責', '责'),
    ('買', '买'),
    ('貸', '贷'),
    ('費', '费'),
    ('貼', '贴'),
    ('貿', '贸'),
    ('資', '资'),
    ('賠', '赔'),
    ('賣', '卖'),
    ('賦', '赋'),
    ('質', '质'),
    ('購', '购'),
    ('賽', '赛'),
    ('贊', '赞'),
    ('趕', '赶'),
    ('趨', '趋'),
    ('跡', '迹'),
    ('車', '车'),
    ('軌', '轨'),
    ('軍', '军'),
    ('軟', '软'),
    ('較', '较'),
    ('載', '载'),
    ('輔', '辅'),
    ('輕', '轻'),
    ('輛', '辆'),
    ('輸', '输'),
    ('轄', '辖'),
    ('轉', '转'),
    ('辦', '办'),
    ('農', '农'),
    ('這', '这'),
    ('連', '连'),
    ('週', '周'),
    ('進', '进'),
    ('遊', '游'),
    ('運', '运'),
    ('過', '过'),
    ('達', '达'),
    ('違', '违'),
    ('遞', '递'),
    ('遠', '远'),
    ('適', '适'),
    ('遷', '迁'),
    ('選', '选'),
    ('遺', '遗'),
    ('還', '还'),
    ('邊', '边'),
    ('郵', '邮'),
    ('鄉', '乡'),
    ('鄭', '郑'),
    ('鄰', '邻'),
    ('醫', '医'),
    ('釋', '释'),
    ('銀', '银'),
    ('銷', '销'),
    ('鋪', '铺'),
    ('鋼', '钢'),
    ('錄', '录'),
    ('錢', '钱'),
    ('錯', '错'),
    ('鍵', '键'),
    ('鎮', '镇'),
    ('鐵', '铁'),
    ('長', '长'),
    ('門', '门'),
    ('閉', '闭'),
    ('開', '开'),
    ('閒', '闲'),
    ('間', '间'),
    ('閘', '闸'),
    ('閱', '阅'),
    ('關', '关'),
    ('闢', '辟'),
    ('陣', '阵'),
    ('陰', '阴'),
    ('陳', '陈'),
    ('陸', '陆'),
    ('陽', '阳'),
    ('隊', '队'),
    ('階', '阶'),
    ('際', '际'),
    ('隨', '随'),
    ('險', '险'),
    ('隱', '隐'),
    ('隻', '只'),
    ('雖', '虽'),
    ('雙', '双'),
    ('雜', '杂'),
    ('雞', '鸡'),
    ('離', '离'),
    ('難', '难'),
    ('雲', '云'),
    ('電', '电'),
    ('韌', '韧'),
    ('韓', '韩'),
    ('響', '响'),
    ('頁', '页'),
    ('頂', '顶'),
    ('項', '项'),
    ('順', '顺'),
    ('須', '须'),
    ('預', '预'),
    ('頓', '顿'),
    ('領', '领'),
    ('頭', '头'),
    ('頻', '频'),
    ('題', '题'),
    ('額', '额'),
    ('願', '愿'),
    ('類', '类'),
    ('顧', '顾'),
    ('顯', '显'),
    ('風', '风'),
    ('飛', '飞'),
    ('飯', '饭'),
    ('飲', '饮'),
    ('飼', '饲'),
    ('養', '养'),
    ('餘', '余'),
    ('館', '馆'),
    ('馬', '马'),
    ('驅', '驱'),
    ('驗', '验'),
    ('體', '体'),
    ('髮', '发'),
    ('鬥', '斗'),
    ('魚', '鱼'),
    ('鳥', '鸟'),
    ('鹽', '盐'),
    ('麥', '麦'),
    ('黃', '黄'),
    ('點', '点'),
    ('黨', '党'),
    ('齊', '齐'),
    ('齒', '齿'),
    ('齡', '龄'),
    ('龍', '龙'),
];

/// A 4096-bit filter over `TRAD`'s first chars: most chars of a text skip the search.
const TRAD_FILTER: [u64; 64] = {
    let mut f = [0u64; 64];
    let mut i = 0;
    while i < TRAD.len() {
        let h = TRAD[i].0 as usize & 4095;
        f[h / 64] |= 1 << (h % 64);
        i += 1;
    }
    f
};

#[inline(always)]
fn simplified(c: char) -> char {
    let h = c as usize & 4095;
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
    fn a_simplified_char_is_never_rewritten_by_the_traditional_table() {
        // one step, and only chars that are not simplified themselves (著 stays: 显著)
        for &(t, s) in TRAD {
            assert_ne!(t, s);
            assert!(
                TRAD.binary_search_by_key(&s, |&(k, _)| k).is_err(),
                "{t} → {s}"
            );
        }
        for c in "显著培训完成任务目标计划投资开工竣工".chars() {
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
