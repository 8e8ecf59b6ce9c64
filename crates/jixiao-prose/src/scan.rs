//! The scanner: one pass over a [`Text`], numbers with their units, modifiers and kinds.

use crate::text::{
    Text, cn_digit, cn_mag, is_cjk, is_clause_sep, is_cn_numeral, is_digit, is_sentence_sep,
};
use crate::{Approx, Constraint, Quantity, QuantityKind};

/// Every quantity in a text, in order of appearance.
///
/// ```
/// let q = jixiao_prose::extract("开展巾帼家政及技能培训50期，培训妇女1.2万人");
/// assert_eq!(q.len(), 2);
/// assert_eq!((q[1].value, q[1].unit.as_str()), (12000.0, "人"));
/// assert_eq!(q[1].what, "培训妇女");
/// ```
pub fn extract(text: &str) -> Vec<Quantity> {
    let t = Text::new(text);
    scan(&t).into_iter().map(|f| f.q).collect()
}

/// A quantity with what the pairing needs besides the public fields.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub q: Quantity,
    /// Char span of the number with its unit.
    pub a: usize,
    pub b: usize,
    /// Char index where the modifiers before the number (constraint, approximation) begin.
    pub pre: usize,
    /// Decimals as written (for a percentage ratio: of the percentage).
    pub decimals: u8,
    /// The number stands alone in a table cell (nothing glued before it) or took its unit from a
    /// header.
    pub bare: bool,
    /// A per-period or per-head amount (每月1次, 每人200元).
    pub per: bool,
    /// The upper end of a range the number begins (增长6.5%—7%: 7).
    pub upper: Option<f64>,
}

/// Measure words and units starting with a char, longest first: `(written, canonical)`.
/// The closed list: 期 人 人次 场 场次 户 个 所 名 对 次 篇 项 台 元 条 家 件 位 … % 倍 百分点.
fn units_starting(c: char) -> &'static [(&'static str, &'static str)] {
    match c {
        '个' => &[
            ("个百分点", "百分点"),
            ("个工作日", "个工作日"),
            ("个月", "个月"),
            ("个", "个"),
        ],
        '平' => &[("平方公里", "平方公里"), ("平方米", "平方米")],
        '百' => &[("百分点", "百分点"), ("百分比", "%")],
        '立' => &[("立方米", "立方米")],
        '千' => &[
            ("千瓦时", "千瓦时"),
            ("千米", "千米"),
            ("千克", "千克"),
            ("千瓦", "千瓦"),
        ],
        '工' => &[("工作日", "个工作日")],
        '人' => &[("人次", "人次"), ("人", "人")],
        '户' => &[("户次", "户次"), ("户", "户")],
        '场' => &[("场次", "场次"), ("场", "场")],
        '公' => &[("公里", "公里"), ("公斤", "公斤"), ("公顷", "公顷")],
        '小' => &[("小时", "小时")],
        '分' => &[("分钟", "分钟"), ("分", "分")],
        '课' => &[("课时", "课时")],
        '学' => &[("学时", "学时")],
        '期' => &[("期", "期")],
        '所' => &[("所", "所")],
        '名' => &[("名", "名")],
        '对' => &[("对", "对")],
        '次' => &[("次", "次")],
        '篇' => &[("篇", "篇")],
        '项' => &[("项", "项")],
        '台' => &[("台", "台")],
        '元' => &[("元", "元")],
        '条' => &[("条", "条")],
        '家' => &[("家", "家")],
        '件' => &[("件", "件")],
        '位' => &[("位", "位")],
        '座' => &[("座", "座")],
        '套' => &[("套", "套")],
        '辆' => &[("辆", "辆")],
        '本' => &[("本", "本")],
        '份' => &[("份", "份")],
        '处' => &[("处", "处")],
        '批' => &[("批次", "批次"), ("批", "批")],
        '支' => &[("支", "支")],
        '张' => &[("张", "张")],
        '间' => &[("间", "间")],
        '栋' => &[("栋", "栋")],
        '块' => &[("块", "块")],
        '吨' => &[("吨", "吨")],
        '亩' => &[("亩", "亩")],
        '只' => &[("只", "只")],
        '头' => &[("头", "头")],
        '架' => &[("架", "架")],
        '艘' => &[("艘", "艘")],
        '枚' => &[("枚", "枚")],
        '幢' => &[("幢", "幢")],
        '组' => &[("组", "组")],
        '米' => &[("米", "米")],
        '天' => &[("天", "天")],
        '例' => &[("例", "例")],
        '床' => &[("床", "床")],
        '册' => &[("册", "册")],
        '轮' => &[("轮", "轮")],
        '趟' => &[("趟", "趟")],
        '笔' => &[("笔", "笔")],
        '宗' => &[("宗", "宗")],
        '盏' => &[("盏", "盏")],
        '棵' => &[("棵", "棵")],
        '株' => &[("株", "株")],
        '倍' => &[("倍", "倍")],
        '%' => &[("%", "%")],
        '微' => &[("微克", "微克")],
        '毫' => &[("毫克", "毫克")],
        _ => &[],
    }
}

/// Words after a number that make it a date, an age, a grade or an ordinal: not a quantity.
const NOT_QUANTITY_AFTER: &[&str] = &[
    "年", "月", "日", "号", "季", "岁", "周岁", "周年", "级", "届", "时", "点", "后", "世纪", "楼",
    "层", "版", "代",
];

/// Set phrases whose numeral meets a measure word but counts nothing: the political formulas
/// of government prose and the usual slogans of service reform. (Names in quotation marks
/// need no list: nothing inside quotes is read.)
const SET_PHRASES: &[&str] = &[
    "八项规定",
    "两个确立",
    "两个维护",
    "两个规划",
    "两个结合",
    "两个责任",
    "三个代表",
    "三个一批",
    "四个意识",
    "四个自信",
    "四个全面",
    "五位一体",
    "一次办好",
    "一次性",
    "一件事",
    "一张网",
    "一张蓝图",
    "一盘棋",
    "一条龙",
];

/// Chars after which a lone 一 is part of a word (统一, 唯一, 第一 …), not a count.
const ONE_IN_WORD: &str = "统唯单同第万之逐专划如某每任一进首初";

/// Characters for the tail of a compound unit after `/` (元/人·月, 元/户, 人/万人口).
fn unit_tail_char(c: char) -> bool {
    matches!(
        c,
        '人' | '户'
            | '年'
            | '月'
            | '日'
            | '天'
            | '次'
            | '周'
            | '季'
            | '万'
            | '口'
            | '亩'
            | '个'
            | '家'
            | '所'
            | '名'
            | '件'
            | '吨'
            | '床'
            | '班'
            | '校'
            | '村'
            | '立'
            | '方'
            | '米'
            | '·'
            | '*'
    )
}

/// The unit written at char `k`: (chars consumed, canonical unit).
fn unit_at(t: &Text, k: usize) -> Option<(usize, &'static str)> {
    let c = *t.c.get(k)?;
    for &(w, canon) in units_starting(c) {
        if t.at(k, w) {
            return Some((w.chars().count(), canon));
        }
    }
    None
}

/// A unit at `k` with its compound tail: (end char index, unit string).
fn unit_with_tail(t: &Text, k: usize) -> Option<(usize, String)> {
    let (len, canon) = unit_at(t, k)?;
    let mut e = k + len;
    let mut unit = canon.to_string();
    if e + 1 < t.len() && t.c[e] == '/' && unit_tail_char(t.c[e + 1]) && t.c[e + 1] != '·' {
        let mut j = e + 1;
        let mut tail = String::new();
        while j < t.len() && j < e + 6 && unit_tail_char(t.c[j]) {
            tail.push(if t.c[j] == '*' { '·' } else { t.c[j] });
            j += 1;
        }
        let tail = tail.trim_end_matches('·');
        if !tail.is_empty() {
            unit.push('/');
            unit.push_str(tail);
            e = e + 1 + tail.chars().count();
        }
    }
    Some((e, unit))
}

/// A unit written on its own (a header's `(万元)`, a 单位 cell's `万人`, `百分比`), as the
/// canonical unit and the scale its prefix gives: `万元` → (元, 1e4).
pub(crate) fn unit_of_str(s: &str) -> Option<(String, f64)> {
    let s = s.trim();
    let (scale, rest) = [
        ("万亿", 1e12),
        ("亿", 1e8),
        ("千万", 1e7),
        ("百万", 1e6),
        ("万", 1e4),
    ]
    .iter()
    .find_map(|(p, v)| s.strip_prefix(p).filter(|r| !r.is_empty()).map(|r| (*v, r)))
    .unwrap_or((1.0, s));
    if matches!(rest, "%" | "％" | "百分比") {
        return Some(("%".to_string(), 1.0));
    }
    // 方 (cubic metres of earth or water) only as a field's unit (【单位】万方): in prose 四方联动
    // and 三方协议 are no quantities
    if rest == "方" {
        return Some(("方".to_string(), scale));
    }
    let t = Text::new(rest);
    unit_exact(&t, 0, t.len()).map(|u| (u, scale))
}

/// The chars `a..b` (trimmed) are exactly a unit.
fn unit_exact(t: &Text, mut a: usize, mut b: usize) -> Option<String> {
    while a < b && t.c[a] == ' ' {
        a += 1;
    }
    while b > a && t.c[b - 1] == ' ' {
        b -= 1;
    }
    if a < b && t.c[a] == '(' && t.c[b - 1] == ')' {
        a += 1;
        b -= 1;
    }
    let (e, u) = unit_with_tail(t, a)?;
    (e == b).then_some(u)
}

fn not_quantity_after(t: &Text, k: usize) -> bool {
    NOT_QUANTITY_AFTER.iter().any(|w| t.at(k, w))
}

struct Num {
    value: f64,
    end: usize,
    decimals: u8,
    /// The Chinese magnitude applied (1.0 when none).
    mag: f64,
    approx: Option<Approx>,
    /// A single 一.
    lone_one: bool,
}

/// An Arabic number at `i`: digits, `,` groups of exactly three, decimals, then an optional
/// 多/余 and Chinese magnitude (1.2万, 8000多亿, 1.3万亿), then an optional 多/余.
fn parse_arabic(t: &Text, i: usize) -> Option<Num> {
    let c = &t.c;
    let n = c.len();
    let mut j = i;
    let mut int = 0.0f64;
    let mut ndig = 0;
    while j < n && is_digit(c[j]) {
        int = int * 10.0 + f64::from(c[j] as u32 - '0' as u32);
        ndig += 1;
        j += 1;
    }
    if ndig == 0 {
        return None;
    }
    if ndig <= 3 {
        while j + 3 < n
            && c[j] == ','
            && c[j + 1..j + 4].iter().all(|&d| is_digit(d))
            && (j + 4 >= n || !is_digit(c[j + 4]))
        {
            for &d in &c[j + 1..j + 4] {
                int = int * 10.0 + f64::from(d as u32 - '0' as u32);
                ndig += 1;
            }
            j += 4;
        }
    }
    if ndig > 15 {
        return None;
    }
    let mut decimals = 0u8;
    let mut value = int;
    if j + 1 < n && c[j] == '.' && is_digit(c[j + 1]) {
        j += 1;
        let mut scale = 0.1;
        while j < n && is_digit(c[j]) {
            if decimals < 12 {
                value += f64::from(c[j] as u32 - '0' as u32) * scale;
                scale /= 10.0;
                decimals += 1;
            }
            j += 1;
        }
    }
    let (end, mag, approx) = magnitude_after(t, j);
    Some(Num {
        value: value * mag,
        end,
        decimals,
        mag,
        approx,
        lone_one: false,
    })
}

/// 多/余, magnitudes (百 千 万 亿, not when they start a unit such as 千米 or 百分点), 多/余.
fn magnitude_after(t: &Text, j: usize) -> (usize, f64, Option<Approx>) {
    let c = &t.c;
    let n = c.len();
    let mut k = j;
    let mut approx = None;
    let is_mag =
        |k: usize| k < n && matches!(c[k], '百' | '千' | '万' | '亿') && unit_at(t, k).is_none();
    // Some pages space their figures: "27 亿元"
    if k + 1 < n && c[k] == ' ' && matches!(c[k + 1], '万' | '亿') && is_mag(k + 1) {
        k += 1;
    }
    if k + 1 < n && matches!(c[k], '多' | '余') && is_mag(k + 1) {
        approx = Some(if c[k] == '多' {
            Approx::Duo
        } else {
            Approx::Yu
        });
        k += 1;
    }
    let mut mag = 1.0;
    while is_mag(k) {
        mag *= cn_mag(c[k]).unwrap_or(1.0);
        k += 1;
    }
    if approx.is_none() && k < n && matches!(c[k], '多' | '余') {
        approx = Some(if c[k] == '多' {
            Approx::Duo
        } else {
            Approx::Yu
        });
        k += 1;
    }
    (k, mag, approx)
}

/// A Chinese numeral at `i` (二十, 两千, 三千五百万, 一亿三千万, 百万, 三点五); when the run is
/// not a well-formed number (三八, 十四五, 二〇二二, a bare 万), `Err` with the index after it.
fn parse_chinese(t: &Text, i: usize) -> Result<Num, usize> {
    let c = &t.c;
    let n = c.len();
    let mut j = i;
    let mut total = 0.0f64;
    let mut section = 0.0f64;
    let mut number: Option<f64> = None;
    let mut last_digit = false;
    let mut invalid = false;
    let mut has_big = false;
    let mut decimals = 0u8;
    let mut only_mags = true;
    while j < n {
        let ch = c[j];
        if let Some(d) = cn_digit(ch) {
            only_mags = false;
            if ch == '零' {
                last_digit = false;
            } else {
                if last_digit {
                    invalid = true;
                }
                number = Some(f64::from(d));
                last_digit = true;
            }
        } else if let Some(m) = cn_mag(ch) {
            if ch == '百' && t.at(j, "百分") {
                break;
            }
            if m < 1e4 {
                section += number.unwrap_or(1.0) * m;
            } else if m < 1e8 {
                let base = number.unwrap_or(if section == 0.0 { 1.0 } else { 0.0 });
                section = (section + base) * m;
                has_big = true;
            } else {
                let base = number.unwrap_or(if section == 0.0 && total == 0.0 {
                    1.0
                } else {
                    0.0
                });
                total = (total + section + base) * m;
                section = 0.0;
                has_big = true;
            }
            number = None;
            last_digit = false;
        } else if ch == '点' && decimals == 0 && j + 1 < n && cn_digit(c[j + 1]).is_some() {
            let mut frac = 0.0;
            let mut scale = 0.1;
            j += 1;
            while j < n && decimals < 12 {
                match cn_digit(c[j]) {
                    Some(d) => {
                        frac += f64::from(d) * scale;
                        scale /= 10.0;
                        decimals += 1;
                        j += 1;
                    }
                    None => break,
                }
            }
            number = Some(number.unwrap_or(0.0) + frac);
            last_digit = true;
            continue;
        } else {
            break;
        }
        j += 1;
    }
    if j == i {
        return Err(i + 1);
    }
    let first = c[i];
    if invalid {
        return Err(j);
    }
    if cn_mag(first).is_some() && first != '十' {
        // bare magnitudes: only 百万, 千万, 百亿, 千亿, 万亿-style runs of magnitudes
        let ok = only_mags && matches!(first, '百' | '千') && has_big;
        if !ok {
            return Err(j);
        }
    }
    let value = total + section + number.unwrap_or(0.0);
    let lone_one = j == i + 1 && first == '一';
    Ok(Num {
        value,
        end: j,
        decimals,
        mag: if has_big { 1e4 } else { 1.0 },
        approx: None,
        lone_one,
    })
}

/// Item-start list marker at `i` ("1.", "2、", "3)", and "3." before "90%的…"): the char
/// index after it.
fn list_marker(t: &Text, i: usize) -> Option<usize> {
    let c = &t.c;
    let n = c.len();
    let mut j = i;
    while j < n && is_digit(c[j]) {
        j += 1;
    }
    if j - i > 2 || j >= n {
        return None;
    }
    match c[j] {
        '、' | ')' => Some(j + 1),
        '.' => {
            if j + 1 < n && is_digit(c[j + 1]) {
                if c[j + 1] == '0' {
                    return None;
                }
                // "3.90%的…": item 3, then 90% — only when what follows has a unit and text
                let num = parse_arabic(t, j + 1)?;
                let k = num.end;
                let has_unit = unit_at(t, k).is_some();
                let rest = unit_at(t, k).map_or(k, |(l, _)| k + l);
                (has_unit && rest < n && (is_cjk(c[rest]) || c[rest] == '的')).then_some(j + 1)
            } else {
                Some(j + 1)
            }
        }
        _ => None,
    }
}

/// Chars inside quotation or book-title marks (names): at most 24 chars, within a sentence.
fn quote_mask(t: &Text) -> Vec<bool> {
    let c = &t.c;
    let n = c.len();
    let mut m = vec![false; n];
    let mut i = 0;
    while i < n {
        let close = match c[i] {
            '“' => '”',
            '「' => '」',
            '『' => '』',
            '《' => '》',
            '‘' => '’',
            '〈' => '〉',
            '"' => '"',
            _ => {
                i += 1;
                continue;
            }
        };
        let lim = n.min(i + 26);
        let mut j = i + 1;
        while j < lim && c[j] != close && !is_sentence_sep(c[j]) {
            j += 1;
        }
        if j < lim && c[j] == close {
            for x in &mut m[i + 1..j] {
                *x = true;
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    m
}

/// How far (in chars) the reader looks for the edge of a clause, cell or sentence: bounds the
/// work per quantity, so reading stays linear on any input.
pub(crate) const WINDOW: usize = 64;

/// Start of the clause containing char `p - 1`.
pub(crate) fn clause_start(t: &Text, mut p: usize) -> usize {
    let lo = p.saturating_sub(WINDOW);
    let mut depth = 0usize;
    while p > lo && !is_clause_sep(t.c[p - 1]) {
        match t.c[p - 1] {
            ')' => depth += 1,
            // the number stands inside an unclosed parenthesis: its clause starts there
            '(' if depth == 0 => break,
            '(' => depth -= 1,
            _ => {}
        }
        p -= 1;
    }
    p
}

/// End of the clause starting at or containing char `p`.
pub(crate) fn clause_end(t: &Text, mut p: usize) -> usize {
    let hi = t.len().min(p + WINDOW);
    while p < hi && !is_clause_sep(t.c[p]) {
        p += 1;
    }
    p
}

const APPROX_BEFORE: &[(&str, Approx)] = &[
    ("大约", Approx::Yue),
    ("将近", Approx::Jin),
    ("接近", Approx::Jin),
    ("超过", Approx::Chao),
    ("约", Approx::Yue),
    ("近", Approx::Jin),
    ("逾", Approx::YuOver),
    ("超", Approx::Chao),
];

const CONSTRAINT_BEFORE: &[(&str, Constraint)] = &[
    ("大于等于", Constraint::AtLeast),
    ("小于等于", Constraint::AtMost),
    ("不少于", Constraint::AtLeast),
    ("不低于", Constraint::AtLeast),
    ("不小于", Constraint::AtLeast),
    ("不超过", Constraint::AtMost),
    ("不高于", Constraint::AtMost),
    ("不多于", Constraint::AtMost),
    ("不大于", Constraint::AtMost),
    ("控制在", Constraint::AtMost),
    ("至少", Constraint::AtLeast),
    ("最少", Constraint::AtLeast),
    ("最低", Constraint::AtLeast),
    ("低于", Constraint::AtMost),
    ("小于", Constraint::AtMost),
    ("少于", Constraint::AtMost),
    ("最高", Constraint::AtMost),
    ("最多", Constraint::AtMost),
    (">=", Constraint::AtLeast),
    ("<=", Constraint::AtMost),
    ("≥", Constraint::AtLeast),
    ("≤", Constraint::AtMost),
    (">", Constraint::AtLeast),
    ("<", Constraint::AtMost),
];

fn skip_spaces_back(t: &Text, mut p: usize) -> usize {
    let lo = p.saturating_sub(WINDOW);
    while p > lo && t.c[p - 1] == ' ' {
        p -= 1;
    }
    p
}

fn constraint_ending(t: &Text, p: usize) -> Option<(usize, Constraint)> {
    let p = skip_spaces_back(t, p);
    // every constraint word ends with one of these
    if p == 0
        || !matches!(
            t.c[p - 1],
            '于' | '少' | '低' | '过' | '在' | '高' | '多' | '=' | '≥' | '≤' | '>' | '<'
        )
    {
        return None;
    }
    CONSTRAINT_BEFORE
        .iter()
        .find(|(w, _)| t.ends(p, w))
        .map(|(w, k)| (p - w.chars().count(), *k))
}

/// Approximation and constraint words right before char `i`: (start of the words, approx,
/// constraint).
fn modifiers_before(t: &Text, i: usize) -> (usize, Option<Approx>, Option<Constraint>) {
    let mut p = skip_spaces_back(t, i);
    let mut approx = None;
    let mut constraint = None;
    if let Some((p2, k)) = constraint_ending(t, p) {
        return (p2, None, Some(k));
    }
    for (w, a) in APPROX_BEFORE {
        if t.ends(p, w) {
            let s = p - w.chars().count();
            if w.starts_with('超') && t.ends(s, "不") {
                continue;
            }
            // 签约5个, 最近3次, 赶超2家: the char belongs to a word before it
            if w.chars().count() == 1
                && s > 0
                && matches!(
                    (t.c[p - 1], t.c[s - 1]),
                    (
                        '约',
                        '签' | '履' | '预' | '节' | '制' | '合' | '特' | '邀' | '公' | '违' | '相'
                    ) | ('近', '最' | '附' | '就' | '临' | '靠' | '亲')
                        | ('超', '赶' | '高')
                )
            {
                break;
            }
            approx = Some(*a);
            p = s;
            break;
        }
    }
    if approx.is_some()
        && let Some((p2, k)) = constraint_ending(t, p)
    {
        constraint = Some(k);
        p = p2;
    }
    (p, approx, constraint)
}

/// Strip filler words at the end of the chars before `e` (为, 达到, 是, 了 …).
fn strip_fillers(t: &Text, mut e: usize, lo: usize) -> usize {
    loop {
        let before = e;
        while e > lo && matches!(t.c[e - 1], ' ' | ':' | '=') {
            e -= 1;
        }
        for w in ["达到", "为", "达", "是", "了", "共计", "共", "合计", "总计"] {
            if t.ends(e, w) {
                let n = w.chars().count();
                if e >= lo + n {
                    e -= n;
                    break;
                }
            }
        }
        if e == before {
            return e;
        }
    }
}

/// Where the cell containing char `p` starts (after `|` or a line break).
fn cell_start(t: &Text, mut p: usize) -> usize {
    let lo = p.saturating_sub(WINDOW);
    while p > lo && !matches!(t.c[p - 1], '|' | '\n' | '\r') {
        p -= 1;
    }
    p
}

/// A bare number's unit from a header: `城镇新增就业(人) | 27800`, `完成比例(%) 187.9`,
/// `| 個 | 2295`. Returns the unit and the char index where the header's unit begins (the
/// constraint of the header is read before it).
fn header_unit(t: &Text, pre: usize) -> Option<(String, usize)> {
    let cs = cell_start(t, pre);
    let e = skip_spaces_back(t, pre);
    let paren = |e: usize, lo: usize| -> Option<(String, usize)> {
        if e > lo && t.c[e - 1] == ')' {
            let mut o = e - 1;
            while o > lo && o + 12 > e && t.c[o - 1] != '(' {
                o -= 1;
            }
            if o > lo && t.c[o - 1] == '(' {
                return unit_exact(t, o, e - 1).map(|u| (u, o - 1));
            }
        }
        None
    };
    if let Some(r) = paren(e, cs) {
        return Some(r);
    }
    if (cs..e).any(|k| is_digit(t.c[k])) || cs == 0 || t.c[cs - 1] != '|' {
        return None;
    }
    let pe = skip_spaces_back(t, cs - 1);
    let ps = cell_start(t, pe);
    if let Some(r) = paren(pe, ps) {
        return Some(r);
    }
    unit_exact(t, ps, pe).map(|u| (u, ps))
}

/// 每 just before the number (每月1次, 每户200元): an amount per period or per head.
fn is_per(t: &Text, pre: usize) -> bool {
    let lo = pre.saturating_sub(3);
    (lo..pre).any(|k| t.c[k] == '每') && !(lo..pre).any(|k| is_clause_sep(t.c[k]))
}

/// What is counted: the clause before the number, or after it ("25%的农村常住庭院"), or the
/// previous table cell for a bare number.
fn what_of(t: &Text, pre: usize, b: usize, prev: Option<&Found>) -> String {
    let c = &t.c;
    let mut cs = clause_start(t, pre);
    if let Some(p) = prev
        && p.b > cs
        && p.b <= pre
    {
        // "分别增长7%和8%": the words before the second are the first's
        let between = &c[p.b..pre];
        if between
            .iter()
            .all(|ch| matches!(ch, '和' | '及' | '与' | '、' | ',' | '，' | ' ' | '或'))
        {
            return p.q.what.clone();
        }
        cs = p.b;
    }
    // skip item markers: spaces, stars, "1." / "2、"
    loop {
        while cs < pre && matches!(c[cs], ' ' | '*' | '★' | '☆' | '#' | '●' | '■' | '◆' | '▲')
        {
            cs += 1;
        }
        let mut j = cs;
        while j < pre && is_digit(c[j]) {
            j += 1;
        }
        if j > cs && j < pre && matches!(c[j], '.' | '、' | ')') && !is_digit(c[j + 1]) {
            cs = j + 1;
            continue;
        }
        break;
    }
    let e = strip_fillers(t, pre, cs);
    let before = t.slice(cs, e).trim();
    let ce = clause_end(t, b);
    let mut s = b;
    for w in ["以上", "以下", "以内", "之内", "左右"] {
        if t.at(s, w) {
            s += 2;
            break;
        }
    }
    let de = s < ce && c[s] == '的';
    if de {
        s += 1;
    }
    let after = t.slice(s.min(ce), ce).trim();
    let pick = if de && !after.is_empty() {
        after.to_string()
    } else if before.chars().count() <= 2 && !after.is_empty() && !after.starts_with('(') {
        // "对6个省级妇女儿童家园", "建成10所留守儿童活动站": the noun follows
        format!("{before}{after}")
    } else if !before.is_empty() {
        before.to_string()
    } else {
        after.to_string()
    };
    if !pick.is_empty() {
        return pick
            .trim_matches(|ch: char| ch == '(' || ch == '（')
            .to_string();
    }
    // a bare cell: the nearest previous cell with words
    let mut p = cell_start(t, pre);
    for _ in 0..3 {
        if p == 0 || c[p - 1] != '|' {
            break;
        }
        let pe = p - 1;
        let ps = cell_start(t, pe);
        let mut e = skip_spaces_back(t, pe);
        if e > ps && c[e - 1] == ')' {
            let mut o = e - 1;
            while o > ps && c[o - 1] != '(' {
                o -= 1;
            }
            if o > ps && unit_exact(t, o, e - 1).is_some() {
                e = o - 1;
            }
        }
        if unit_exact(t, ps, e).is_none() && (ps..e).any(|k| is_cjk(c[k])) {
            return t.slice(ps, e).trim().to_string();
        }
        p = ps;
    }
    String::new()
}

/// A stated ratio: the value as a fraction, when the words before `pre` make it one.
fn stated_ratio(t: &Text, pre: usize, v: f64, unit: &str, out: &[Found]) -> Option<f64> {
    let cs = clause_start(t, pre);
    let e = strip_fillers(t, pre, cs);
    let frac = if unit == "倍" { v } else { v / 100.0 };
    for w in ["完成率", "完成比例", "完成进度", "完成比"] {
        if t.ends(e, w) {
            return Some(frac);
        }
    }
    if t.ends(e, "超额完成") || t.ends(e, "超额") {
        return Some(if unit == "倍" { v } else { 1.0 + v / 100.0 });
    }
    if t.ends(e, "的")
        && ["任务", "计划", "目标"]
            .iter()
            .any(|w| t.contains(cs, e, w))
    {
        return Some(if t.contains(cs, e, "超额") && unit != "倍" {
            1.0 + v / 100.0
        } else {
            frac
        });
    }
    // 占年度计划119.35%, 完成年度目标62.9%, 为年度计划投资的80.9%: the share of the plan,
    // with or without 的
    if ["计划", "目标", "任务", "计划投资", "目标任务"]
        .iter()
        .any(|w| t.ends(e, w))
        && ["占", "完成", "为", "达", "超"]
            .iter()
            .any(|w| t.contains(cs, e, w))
    {
        return Some(if t.contains(cs, e, "超") && unit != "倍" {
            1.0 + v / 100.0
        } else {
            frac
        });
    }
    let last = out.last()?;
    if t.ends(e, "(") && last.b + 1 == e && last.q.kind == QuantityKind::Count {
        return Some(frac);
    }
    // a clause of only 完成N% right after a count's clause (新增、更换配变2043台,完成81.7%):
    // the share of its task that count reached
    if last.q.kind == QuantityKind::Count
        && !last.q.unit.is_empty()
        && last.q.unit != "%"
        && cs > 0
        && last.b + 1 == cs
        && matches!(t.c[cs - 1], ',' | '，')
        && ["完成", "已完成", "完成了"]
            .iter()
            .any(|w| t.ends(e, w) && e - w.chars().count() == cs)
    {
        return Some(frac);
    }
    if last.q.kind == QuantityKind::Ratio && !last.q.unit.is_empty() && last.b <= pre {
        let between = &t.c[last.b..pre];
        if between.len() <= 2
            && between
                .iter()
                .all(|ch| matches!(ch, '和' | '、' | ',' | '，' | '及' | '与' | ' '))
        {
            return Some(frac);
        }
    }
    None
}

/// Verbs of a change that end in 到, 至 or 为 (提高到, 调整为, 增加至): what follows is the new
/// value.
pub(crate) const CHANGE: &[&str] = &[
    "提高", "提升", "调整", "增加", "增长", "扩大", "扩展", "降低", "下降", "减少", "上调", "下调",
    "压减",
];

/// A stated difference (actual − target) and its sign: 超任务17元, 超过省定任务6所, 比目标多3个,
/// 比预期目标高了2.6个百分点 (+1); 比目标少3个, 比目标低0.5个百分点 (−1).
fn difference_sign(t: &Text, pre: usize) -> Option<f64> {
    let cs = clause_start(t, pre);
    let mut e = skip_spaces_back(t, pre);
    if t.ends(e, "了") {
        e -= 1;
    }
    for w in ["任务数", "任务量", "任务", "目标", "计划", "指标数", "指标"] {
        if t.ends(e, w) {
            let we = e - w.chars().count();
            let lo = cs.max(we.saturating_sub(8));
            // 超任务17元, 超过省定任务6所 (+); 低于指标数48人 (−)
            return if t.contains(lo, we, "低于") || t.contains(lo, we, "少于") {
                Some(-1.0)
            } else if t.contains(lo, we, "超") {
                Some(1.0)
            } else {
                None
            };
        }
    }
    // 比 + the plan, then which way the figure differs from it
    let sign = if t.ends(e, "多") || t.ends(e, "高") {
        1.0
    } else if t.ends(e, "少") || t.ends(e, "低") {
        -1.0
    } else {
        return None;
    };
    (t.contains(cs, e, "比")
        && ["任务", "目标", "计划"]
            .iter()
            .any(|w| t.contains(cs, e, w)))
    .then_some(sign)
}

/// A date written with dots or slashes (2021.1.1, 2023/12/31) starting at `i`, with the end of
/// a range after it (2021.1.1-12.31, 2021.1.1至2021.12.31): where it ends. Time-limit indicators
/// of self-evaluation forms write them; they are no quantities.
fn dotted_date(t: &Text, i: usize) -> Option<usize> {
    let c = &t.c;
    let n = c.len();
    let digits = |k: usize, most: usize| -> usize {
        let mut e = k;
        while e < n && e - k < most && is_digit(c[e]) {
            e += 1;
        }
        e - k
    };
    // year (19xx/20xx), separator, 1–2 digits, the same separator, 1–2 digits
    if digits(i, 4) != 4 || !matches!((c[i], c[i + 1]), ('1', '9') | ('2', '0')) {
        return None;
    }
    let sep = *c.get(i + 4)?;
    if !matches!(sep, '.' | '/') {
        return None;
    }
    let m = digits(i + 5, 2);
    if m == 0 || c.get(i + 5 + m) != Some(&sep) {
        return None;
    }
    let d = digits(i + 6 + m, 2);
    if d == 0 || (i + 6 + m + d < n && is_digit(c[i + 6 + m + d])) {
        return None;
    }
    let mut e = i + 6 + m + d;
    // the range's end: M.D or a full date
    if e + 1 < n && matches!(c[e], '-' | '~' | '至' | '到') {
        if let Some(f) = dotted_date(t, e + 1) {
            e = f;
        } else {
            let m2 = digits(e + 1, 2);
            if m2 > 0 && c.get(e + 1 + m2) == Some(&sep) {
                let d2 = digits(e + 2 + m2, 2);
                if d2 > 0 {
                    e = e + 2 + m2 + d2;
                }
            }
        }
    }
    Some(e)
}

/// A large number without a measure word is followed, within four chars of its noun, by 人口
/// (103.5万农村人口, 2.3万贫困人口).
fn people_after(t: &Text, k: usize) -> bool {
    (0..=4).any(|m| {
        k + m + 2 <= t.len()
            && t.c[k..k + m].iter().all(|&ch| crate::text::is_cjk(ch))
            && t.at(k + m, "人口")
    })
}

/// The scanner proper.
pub(crate) fn scan(t: &Text) -> Vec<Found> {
    let c = &t.c;
    let n = c.len();
    let quoted = if c
        .iter()
        .any(|ch| matches!(ch, '“' | '「' | '『' | '《' | '‘' | '〈' | '"'))
    {
        quote_mask(t)
    } else {
        Vec::new()
    };
    let is_quoted = |k: usize| quoted.get(k).copied().unwrap_or(false);
    let mut out: Vec<Found> = Vec::new();
    let mut i = 0;
    let mut item_start = true;
    let mut marker_end = usize::MAX;
    while i < n {
        let ch = c[i];
        if !(is_digit(ch) || is_cn_numeral(ch)) {
            // the common case: no number starts here
            item_start = matches!(ch, '\n' | '\r' | '。' | '；' | ';')
                || (item_start && matches!(ch, ' ' | '*' | '★' | '☆' | '#' | '●' | '■' | '◆'));
            i += 1;
            continue;
        }
        if is_quoted(i) {
            // Quotes name things (“十四五”, “9+3”, “两癌”), but a quoted promise with an
            // Arabic number and its unit (“扩招200万人”的目标, “5.5%左右”) states a quantity.
            let prev = if i > 0 { c[i - 1] } else { ' ' };
            if is_digit(ch)
                && !is_digit(prev)
                && prev != '.'
                && let Step::Found(f) = read_arabic(t, i, &out)
                && !f.q.unit.is_empty()
            {
                item_start = false;
                i = f.b.max(i + 1);
                out.push(*f);
                continue;
            }
            i += 1;
            item_start = false;
            continue;
        }
        if item_start
            && is_digit(ch)
            && let Some(next) = list_marker(t, i)
        {
            i = next;
            marker_end = next;
            item_start = false;
            continue;
        }
        let prev = if i > 0 { c[i - 1] } else { ' ' };
        let step = if ch == '百' && t.at(i, "百分之") {
            read_percent_words(t, i, &out)
        } else if is_digit(ch)
            && (i == marker_end
                || !(is_digit(prev)
                    || prev.is_ascii_alphabetic()
                    || (prev == '.' && i >= 2 && is_digit(c[i - 2]))))
        {
            read_arabic(t, i, &out)
        } else if is_cn_numeral(ch) && !is_cn_numeral(prev) {
            read_chinese(t, i, &out)
        } else {
            Step::None
        };
        match step {
            Step::None => {
                item_start = matches!(ch, '\n' | '\r' | '。' | '；' | ';')
                    || (item_start && matches!(ch, ' ' | '*' | '★' | '☆' | '#' | '●' | '■' | '◆'));
                i += 1;
            }
            Step::Skip(k) => {
                item_start = false;
                i = k.max(i + 1);
            }
            Step::Found(f) => {
                item_start = false;
                i = f.b.max(i + 1);
                out.push(*f);
            }
        }
    }
    out
}

enum Step {
    None,
    Skip(usize),
    Found(Box<Found>),
}

/// A number's value and extent before the unit.
struct Head {
    a: usize,
    value: f64,
    k: usize,
    decimals: u8,
    approx: Option<Approx>,
    unit: Option<String>,
    /// The upper end of a range written with one unit (4-5家).
    upper: Option<f64>,
}

fn read_arabic(t: &Text, i: usize, out: &[Found]) -> Step {
    let c = &t.c;
    let n = c.len();
    if i > 0 && c[i - 1] == '第' {
        let mut k = i;
        while k < n && is_digit(c[k]) {
            k += 1;
        }
        return Step::Skip(k);
    }
    if let Some(e) = dotted_date(t, i) {
        return Step::Skip(e);
    }
    let Some(num) = parse_arabic(t, i) else {
        let mut k = i;
        while k < n && (is_digit(c[k]) || c[k] == ',' || c[k] == '.') {
            k += 1;
        }
        return Step::Skip(k);
    };
    let mut head = Head {
        a: i,
        value: num.value,
        k: num.end,
        decimals: num.decimals,
        approx: num.approx,
        unit: None,
        upper: None,
    };
    let k = head.k;
    if k + 1 < n {
        let next = c[k + 1];
        match c[k] {
            '-' | '~' | '至' | '到' if is_digit(next) || is_cn_numeral(next) => {
                let second = if is_digit(next) {
                    parse_arabic(t, k + 1)
                } else {
                    parse_chinese(t, k + 1).ok()
                };
                if let Some(s) = second {
                    if num.mag == 1.0 && s.mag > 1.0 {
                        head.value *= s.mag;
                    }
                    head.k = s.end;
                    head.approx = head.approx.or(s.approx);
                    head.upper = (s.value > head.value).then_some(s.value);
                }
            }
            // 目标1：1290.3平方米: the item's number, then its value
            ':' if is_digit(next) && ["目标", "指标", "任务"].iter().any(|w| t.ends(i, w)) => {
                return Step::Skip(k + 1);
            }
            ':' if is_digit(next) => {
                let Some(s) = parse_arabic(t, k + 1) else {
                    return Step::Skip(k + 1);
                };
                let lo = i.saturating_sub(6);
                if !t.contains(lo, i, "比") || s.value == 0.0 {
                    return Step::Skip(s.end);
                }
                head.value = num.value / s.value;
                head.k = s.end;
                head.unit = Some("比".to_string());
            }
            '*' if is_digit(next) => {
                if let Some(s) = parse_arabic(t, k + 1) {
                    head.value = num.value * s.value;
                    head.k = s.end;
                }
            }
            '/' if is_digit(next) => {
                if let Some(s) = parse_arabic(t, k + 1) {
                    let mut u = String::from("/");
                    u.extend(&c[k + 1..s.end]);
                    head.k = s.end;
                    head.unit = Some(u);
                }
            }
            _ => {}
        }
    }
    finish(t, head, false, false, out)
}

fn read_percent_words(t: &Text, i: usize, out: &[Found]) -> Step {
    let j = i + 3;
    let num = match t.c.get(j) {
        Some(&d) if is_digit(d) => parse_arabic(t, j),
        Some(&d) if is_cn_numeral(d) => parse_chinese(t, j).ok(),
        _ => None,
    };
    let Some(num) = num else {
        return Step::Skip(j);
    };
    let head = Head {
        a: i,
        value: num.value,
        k: num.end,
        decimals: num.decimals,
        approx: None,
        unit: Some("%".to_string()),
        upper: None,
    };
    finish(t, head, true, false, out)
}

fn read_chinese(t: &Text, i: usize, out: &[Found]) -> Step {
    let c = &t.c;
    let n = c.len();
    if let Some(w) = SET_PHRASES
        .iter()
        .find(|w| w.starts_with(c[i]) && t.at(i, w))
    {
        return Step::Skip(i + w.chars().count());
    }
    let num = match parse_chinese(t, i) {
        Ok(num) => num,
        Err(k) => return Step::Skip(k),
    };
    if i > 0 && c[i - 1] == '第' {
        return Step::Skip(num.end);
    }
    if num.lone_one && i > 0 && ONE_IN_WORD.contains(c[i - 1]) {
        return Step::Skip(num.end);
    }
    let mut head = Head {
        a: i,
        value: num.value,
        k: num.end,
        decimals: num.decimals,
        approx: None,
        unit: None,
        upper: None,
    };
    if num.lone_one && num.end < n && c[num.end] == '半' {
        head.value = 0.5;
        head.k = num.end + 1;
        head.unit = Some(String::new());
        return finish(t, head, true, false, out);
    }
    let (k, mag, approx) = magnitude_after(t, num.end);
    if mag > 1.0 {
        // 十 / 百 runs followed by more magnitudes were consumed; here only 余/多 matter
        head.value *= mag;
    }
    head.k = k;
    head.approx = approx;
    if k + 1 < n
        && matches!(c[k], '至' | '到' | '-' | '~')
        && is_cn_numeral(c[k + 1])
        && let Ok(s) = parse_chinese(t, k + 1)
    {
        head.k = s.end;
    }
    finish(t, head, true, num.lone_one, out)
}

/// The unit, the words around the number, the kind.
fn finish(t: &Text, head: Head, chinese: bool, lone_one: bool, out: &[Found]) -> Step {
    let c = &t.c;
    let n = c.len();
    let Head {
        a,
        value,
        mut k,
        decimals,
        mut approx,
        unit,
        upper,
    } = head;
    let big_chinese = chinese && value >= 1e4;
    // "2019 年", "45 %": a spaced date word or sign belongs to the number as if unspaced
    // (a spaced measure word does not: "实际完成值：50 分值：8").
    if unit.is_none()
        && k + 1 < n
        && c[k] == ' '
        && (c[k + 1] == '%' || not_quantity_after(t, k + 1))
    {
        k += 1;
    }
    let mut unit = match unit {
        Some(u) => u,
        None => {
            if k < n && c[k] == '%' {
                k += 1;
                "%".to_string()
            } else if k < n && c[k] == '‰' {
                k += 1;
                "‰".to_string()
            } else if let Some((e, u)) = unit_with_tail(t, k) {
                k = e;
                u
            } else if not_quantity_after(t, k)
                || (k < n && c[k].is_ascii_alphabetic())
                || (chinese && !big_chinese)
            {
                return Step::Skip(k);
            } else if value >= 1e4 && people_after(t, k) {
                // 103.5万农村人口, 4万人口: a population counts people
                "人".to_string()
            } else {
                String::new()
            }
        }
    };
    // 一期工程, 二期新建: a phase's name, not a count of training sessions
    if unit == "期"
        && ["工程", "项目", "新建", "建设", "续建", "改造", "用地"]
            .iter()
            .any(|w| t.at(k, w))
    {
        return Step::Skip(k);
    }
    if lone_one {
        // 一户年最高5300元, 一人一档: 一 as "per"
        let ce = clause_end(t, k);
        let near_one = (k..n.min(k + 3)).any(|j| c[j] == '一');
        let digit_follows = (k..ce.min(k + 8)).any(|j| is_digit(c[j]));
        // 进行一次结核筛查, 免费体检一次: 一次 is "once", how a service is given, not a count
        if near_one || digit_follows || unit == "次" {
            return Step::Skip(k);
        }
    }
    // words after the unit
    let mut constraint = None;
    for (w, kind) in [
        ("以上", Some(Constraint::AtLeast)),
        ("以下", Some(Constraint::AtMost)),
        ("以内", Some(Constraint::AtMost)),
        ("之内", Some(Constraint::AtMost)),
        ("左右", None),
    ] {
        if t.at(k, w) {
            match kind {
                Some(kd) => constraint = Some(kd),
                None => approx = approx.or(Some(Approx::ZuoYou)),
            }
            break;
        }
    }
    let (mut pre, approx_b, constraint_b) = modifiers_before(t, a);
    approx = approx_b.or(approx);
    constraint = constraint_b.or(constraint);
    let mut bare = false;
    let mut hdr_pre = None;
    if unit.is_empty() && !chinese {
        if a > 0 && c[a - 1] == '(' && k < n && c[k] == ')' {
            return Step::Skip(k + 1);
        }
        if let Some((u, hp)) = header_unit(t, pre) {
            unit = u;
            bare = true;
            hdr_pre = Some(hp);
            if constraint.is_none()
                && let Some((_, kd)) = constraint_ending(t, hp)
            {
                constraint = Some(kd);
            }
        }
    }
    if !bare && !chinese {
        let cs = cell_start(t, pre);
        let e = skip_spaces_back(t, pre);
        bare = e == cs || (a > 0 && c[a - 1] == ' ');
    }
    // kind
    let mut kind = QuantityKind::Count;
    let mut qvalue = value;
    let ratio_pre = hdr_pre.unwrap_or(pre);
    if unit == "%" || unit == "倍" {
        if let Some(r) = stated_ratio(t, ratio_pre, value, &unit, out) {
            kind = QuantityKind::Ratio;
            qvalue = r;
        }
    } else if unit.is_empty() {
        let cs = clause_start(t, pre);
        let e = strip_fillers(t, pre, cs);
        if ["完成率", "完成比例", "完成进度"]
            .iter()
            .any(|w| t.ends(e, w))
        {
            kind = QuantityKind::Ratio;
        }
    } else if let Some(sign) = difference_sign(t, pre) {
        kind = QuantityKind::Difference;
        qvalue = sign * value;
    }
    if kind != QuantityKind::Count {
        approx = None;
        constraint = None;
    }
    if pre > a {
        pre = a;
    }
    let what = what_of(t, pre, k, out.last());
    // 3100元每平方米: a price per unit, as 每平方米3100元
    let per = is_per(t, pre)
        || (k < n && c[k] == '每' && unit_at(t, k + 1).is_some())
        // 每人每年2200元、2900元: the list goes on per head
        || out.last().is_some_and(|l| {
            let between = &c[l.b.min(pre)..pre];
            l.per
                && l.q.unit == unit
                && l.b < pre
                && (between.iter().all(|ch| matches!(ch, '、' | '和' | '及' | ' '))
                    // 每生每年500元提高到600元: the new value of a per-head standard
                    || (between.len() <= 5
                        && matches!(between.last(), Some('到' | '至' | '为'))
                        && CHANGE.iter().any(|w| t.at(l.b, w))))
        });
    Step::Found(Box::new(Found {
        q: Quantity {
            value: qvalue,
            unit,
            what,
            approx,
            constraint,
            kind,
            span: t.off[a]..t.off[k],
        },
        a,
        b: k,
        pre,
        decimals,
        bare,
        per,
        upper: upper.filter(|_| kind == QuantityKind::Count),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Vec<(f64, String)> {
        extract(text)
            .into_iter()
            .map(|q| (q.value, q.unit))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn numbers_are_read_in_every_written_form() {
        let cases: &[(&str, f64, &str)] = &[
            ("引进区内外资金 27 亿元", 2.7e9, "元"),
            ("检测4.7万批次", 47000.0, "批次"),
            ("培训妇女1000人", 1000.0, "人"),
            ("培训妇女１０００人", 1000.0, "人"),
            ("培训1.2万人", 12000.0, "人"),
            ("救助金29万元", 290000.0, "元"),
            ("创建率38.69%", 38.69, "%"),
            ("创建率38.69％", 38.69, "%"),
            ("减税降费1.3萬億元", 1.3e12, "元"),
            ("减税8000多亿元", 8e11, "元"),
            ("新增就业71.6万人", 716000.0, "人"),
            ("招募二十名志愿者", 20.0, "名"),
            ("培训两千人", 2000.0, "人"),
            ("覆盖三千五百万人", 3.5e7, "人"),
            ("阅读量逾百万", 1e6, ""),
            ("受益一百万户", 1e6, "户"),
            ("建成10所留守儿童活动站", 10.0, "所"),
            ("完成1,000户", 1000.0, "户"),
            ("提高到百分之三十", 30.0, "%"),
            ("新建成2-3个示范性托育服务机构", 2.0, "个"),
            ("发病率控制在10/10万以下", 10.0, "/10万"),
            ("增加公办幼兒園學位2295個", 2295.0, "个"),
            ("农村低保标准583元/人*月", 583.0, "元/人·月"),
            ("超任务9.4个百分点", 9.4, "百分点"),
            ("二十余人", 20.0, "人"),
            ("1万多人", 10000.0, "人"),
            ("医护比达到1:1", 1.0, "比"),
            ("压减一半", 0.5, ""),
        ];
        for (text, v, u) in cases {
            let got = one(text);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert!(close(got[0].0, *v), "{text}: {got:?}");
            assert_eq!(got[0].1, *u, "{text}");
        }
    }

    #[test]
    fn dates_ordinals_markers_and_names_are_not_quantities() {
        let cases = [
            "2022年底前完成",
            "东蕾苑二期新建工程",
            "2019 年市政府下达",
            "轨道交通1号线一期工程",
            "第三季度",
            "第1名",
            "12月31日",
            "2020年1至7月",
            "“十四五”规划",
            "喜迎二十大",
            "庆“三八”",
            "在三八妇女节",
            "救助“两癌”患病妇女",
            "评选“五好家庭”",
            "“一网两微三号”",
            "赴五区一市调研",
            "编印“两个规划”白皮书",
            "1.加强领导",
            "（二）工作措施",
            "(1)工作措施",
            "*1.力争",
            "窝沟封闭6-9岁儿童",
            "二级综合医院",
            "统一标准",
            "千家万户",
            "每万人口",
            "一人一档",
            "为老年人进行一次结核筛查",
            "免费体检一次",
            "5G基站",
            "深入贯彻中央八项规定精神",
            "推进两个规划实施",
            "政务服务一次办好",
            "全市一盘棋",
        ];
        for text in cases {
            assert_eq!(one(text), vec![], "{text}");
        }
    }

    #[test]
    fn approximations_and_constraints_are_attached() {
        let cases: &[(&str, Option<Approx>, Option<Constraint>)] = &[
            ("培训50余期", Some(Approx::Yu), None),
            ("发文2800余篇", Some(Approx::Yu), None),
            ("近2000人", Some(Approx::Jin), None),
            ("约300人", Some(Approx::Yue), None),
            ("阅读量逾百万", Some(Approx::YuOver), None),
            (
                "控制在3%左右",
                Some(Approx::ZuoYou),
                Some(Constraint::AtMost),
            ),
            ("不少于2000对", None, Some(Constraint::AtLeast)),
            ("不低于4000元", None, Some(Constraint::AtLeast)),
            ("不超过5人", None, Some(Constraint::AtMost)),
            ("1100萬人以上", None, Some(Constraint::AtLeast)),
            ("失业率低于4.3%", None, Some(Constraint::AtMost)),
            ("年度指标值 >=21933人", None, Some(Constraint::AtLeast)),
            ("一户年最高5300元", None, Some(Constraint::AtMost)),
            ("签约5个项目", None, None),
            ("最近3次", None, None),
            ("控制在5%以内", None, Some(Constraint::AtMost)),
        ];
        for (text, approx, constraint) in cases {
            let q = extract(text);
            assert_eq!(q.len(), 1, "{text}: {q:?}");
            assert_eq!(q[0].approx, *approx, "{text}");
            assert_eq!(q[0].constraint, *constraint, "{text}");
        }
    }

    #[test]
    fn every_constraint_word_is_recognised_before_a_number() {
        for (w, kind) in CONSTRAINT_BEFORE {
            let text = format!("培训{w}100人");
            let q = extract(&text);
            assert_eq!(q.len(), 1, "{text}");
            assert_eq!(q[0].constraint, Some(*kind), "{text}");
        }
    }

    #[test]
    fn stated_ratios_and_differences_have_their_kind() {
        let cases: &[(&str, QuantityKind, f64)] = &[
            ("完成率100%", QuantityKind::Ratio, 1.0),
            ("完成年度任务的46%", QuantityKind::Ratio, 0.46),
            ("为任务的164.5%", QuantityKind::Ratio, 1.645),
            ("超额完成20%", QuantityKind::Ratio, 1.2),
            ("是全年任务量的6.4倍", QuantityKind::Ratio, 6.4),
            ("超任务17元", QuantityKind::Difference, 17.0),
            ("超过省定任务6所", QuantityKind::Difference, 6.0),
            ("超任务9.4个百分点", QuantityKind::Difference, 9.4),
            ("比预期目标高了2.6个百分点", QuantityKind::Difference, 2.6),
            ("低于指标数48人", QuantityKind::Difference, -48.0),
            ("比计划目标少3个", QuantityKind::Difference, -3.0),
            ("比上年高了2.6个百分点", QuantityKind::Count, 2.6),
            ("婚姻家庭辅导率100%", QuantityKind::Count, 100.0),
            ("开展培训3期", QuantityKind::Count, 3.0),
            ("占年度计划119.35%", QuantityKind::Ratio, 1.1935),
            ("完成年度目标62.9%", QuantityKind::Ratio, 0.629),
            ("超计划任务7.8%", QuantityKind::Ratio, 1.078),
        ];
        for (text, kind, v) in cases {
            let q = extract(text);
            assert_eq!(q.len(), 1, "{text}: {q:?}");
            assert_eq!(q[0].kind, *kind, "{text}");
            assert!(close(q[0].value, *v), "{text}: {q:?}");
        }
        let q = extract("分别完成省定任务的120.7%和134.7%");
        assert_eq!(q.len(), 2);
        assert!(q.iter().all(|q| q.kind == QuantityKind::Ratio), "{q:?}");
        let q = extract("已完成120条(95%)");
        assert_eq!(q[1].kind, QuantityKind::Ratio, "{q:?}");
    }

    #[test]
    fn table_cells_take_their_unit_from_the_header() {
        let cases: &[(&str, f64, &str, Option<Constraint>)] = &[
            (
                "全市 | 城镇新增就业(人) | 目标任务 27800",
                27800.0,
                "人",
                None,
            ),
            ("增加公办幼兒園學位 | 個 | 2295", 2295.0, "个", None),
            ("“兩癌”免費檢查 | (人次) | 2500", 2500.0, "人次", None),
            (
                "全市 | 城镇登记失业率低于(%) | 4.3",
                4.3,
                "%",
                Some(Constraint::AtMost),
            ),
            (
                "提高農村低保標準 | 元/年 | 不低於4000",
                4000.0,
                "元/年",
                Some(Constraint::AtLeast),
            ),
        ];
        for (text, v, u, k) in cases {
            let q = extract(text);
            assert_eq!(q.len(), 1, "{text}: {q:?}");
            assert!(close(q[0].value, *v), "{text}: {q:?}");
            assert_eq!(q[0].unit, *u, "{text}");
            assert_eq!(q[0].constraint, *k, "{text}");
        }
    }

    #[test]
    fn what_is_the_clause_around_the_number() {
        let cases = [
            ("开展巾帼家政及技能培训50期，培训妇女1000人", 1, "培训妇女"),
            (
                "全市25%的农村常住庭院建成美丽庭院",
                0,
                "农村常住庭院建成美丽庭院",
            ),
            ("*4.新增技能人才4000人", 0, "新增技能人才"),
            ("增加公办幼儿园学位 | 个 | 2295", 0, "增加公办幼儿园学位"),
        ];
        for (text, idx, what) in cases {
            let q = extract(text);
            assert_eq!(q[idx].what, what, "{text}: {q:?}");
        }
    }

    #[test]
    fn list_markers_before_percentages_are_items() {
        let q = extract("3.90%的二级综合医院单独设置口腔科");
        assert_eq!(q.len(), 1);
        assert!(close(q[0].value, 90.0));
        let q = extract("3.57 | (no 完成比例)");
        assert!(close(q[0].value, 3.57), "{q:?}");
    }

    #[test]
    fn spans_cover_the_number_and_its_unit() {
        let text = "培训妇女2000余人，阅读量逾百万";
        let q = extract(text);
        assert_eq!(&text[q[0].span.clone()], "2000余人");
        assert_eq!(&text[q[1].span.clone()], "百万");
    }

    #[test]
    fn a_numbered_item_label_is_not_a_ratio() {
        // (text, the quantities read)
        let cases: &[(&str, &[(f64, &str)])] = &[
            ("目标1：1290.3平方米冷库仓储建设", &[(1290.3, "平方米")]),
            ("任务2：550万元用于设备购置", &[(5_500_000.0, "元")]),
            // a time is still no quantity
            ("上午8:30召开会议", &[]),
        ];
        for &(text, want) in cases {
            let got = one(text);
            let want: Vec<(f64, String)> = want.iter().map(|&(v, u)| (v, u.to_string())).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_price_per_unit_is_per() {
        // (text, per)
        let cases: &[(&str, bool)] = &[
            ("冷库仓储3100元每平方米", true),
            ("补贴200元每人", true),
            ("每人3100元", true),
            ("投资3100元", false),
            ("培训3100人每年两次", false),
        ];
        for &(text, per) in cases {
            let t = Text::new(text);
            let found = scan(&t);
            assert_eq!(found[0].per, per, "{text}");
        }
    }

    #[test]
    fn a_clause_of_only_completion_after_a_count_states_that_counts_share() {
        // (text, index of the quantity, kind, value)
        let cases: &[(&str, usize, QuantityKind, f64)] = &[
            (
                "新增、更换配变2043台,完成81.7%",
                1,
                QuantityKind::Ratio,
                0.817,
            ),
            (
                "改造户表11.33万户，已完成40.5%",
                1,
                QuantityKind::Ratio,
                0.405,
            ),
            ("培训500人,完成了80%", 1, QuantityKind::Ratio, 0.8),
            // not right after a count, or more words than 完成: a measured percentage
            ("完成80%", 0, QuantityKind::Count, 80.0),
            (
                "培训500人,完成考核的学员占80%",
                1,
                QuantityKind::Count,
                80.0,
            ),
            ("增长12%,完成5%", 1, QuantityKind::Count, 5.0),
        ];
        for (text, k, kind, v) in cases {
            let q = extract(text);
            assert_eq!(q[*k].kind, *kind, "{text}: {q:?}");
            assert!(close(q[*k].value, *v), "{text}: {q:?}");
        }
    }

    #[test]
    fn batches_are_counted_in_pici() {
        let q = one("抽样检验5.48万批次");
        assert!(close(q[0].0, 54_800.0) && q[0].1 == "批次", "{q:?}");
        assert_eq!(one("检验100批"), vec![(100.0, "批".to_string())]);
    }

    #[test]
    fn a_large_number_before_a_population_counts_people() {
        let cases: &[(&str, f64, &str)] = &[
            ("已解决103.5万农村人口饮水不安全问题", 1_035_000.0, "人"),
            ("覆盖4万人口", 40_000.0, "人"),
            // a small bare number or one far from 人口 keeps no unit
            ("抽查3批次农村人口", 3.0, "批次"),
            ("新增12万元,惠及农村人口", 120_000.0, "元"),
        ];
        for (text, v, unit) in cases {
            let q = one(text);
            assert!(close(q[0].0, *v) && q[0].1 == *unit, "{text}: {q:?}");
        }
        assert!(one("全县共5000农村留守人口").iter().all(|q| q.1.is_empty()));
    }

    #[test]
    fn a_date_written_with_dots_is_no_quantity() {
        let cases: &[(&str, usize)] = &[
            ("目标值：2021.1.1-12.31", 0),
            ("完成值：2021.1.1至2021.12.31", 0),
            ("完成时限2023/12/31前", 0),
            ("于2022.6.30前完成改造120户", 1),
            // no day, or not a year: a decimal
            ("投资2021.5万元", 1),
            ("完成12.31公里", 1),
        ];
        for (text, count) in cases {
            let q = extract(text);
            assert_eq!(q.len(), *count, "{text}: {q:?}");
        }
    }
}
