//! What a file is, from its name and its first bytes.

use std::io::Cursor;

use crate::FileFormat;

/// The extension of `file_name`, lower case, without the dot ("" when there is none).
pub(crate) fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// True when the file has no content but whitespace and byte-order marks.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    let rest = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .or_else(|| bytes.strip_prefix(b"\xFF\xFE"))
        .or_else(|| bytes.strip_prefix(b"\xFE\xFF"))
        .unwrap_or(bytes);
    rest.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0))
}

/// The format the first bytes announce. Zip archives are [`FileFormat::Zip`] (see [`zip_kind`]);
/// anything unrecognised is [`FileFormat::Text`] (the text reader decides whether it decodes).
pub(crate) fn sniff(bytes: &[u8]) -> FileFormat {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return FileFormat::Zip;
    }
    if bytes.starts_with(OLE) {
        return FileFormat::OldOffice;
    }
    if bytes.starts_with(b"%PDF") {
        return FileFormat::Pdf;
    }
    if bytes.starts_with(b"{\\rtf") {
        return FileFormat::Rtf;
    }
    let head: Vec<u8> = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(256)
        .map(u8::to_ascii_lowercase)
        .collect();
    if head.starts_with(b"<!doctype html") || head.starts_with(b"<html") {
        return FileFormat::Html;
    }
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && bytes.iter().take(8192).any(|&b| b == 0) {
        return FileFormat::Binary;
    }
    FileFormat::Text
}

/// Which Office format a zip archive holds, by its parts.
pub(crate) fn zip_kind(bytes: &[u8]) -> FileFormat {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return FileFormat::Zip;
    };
    let has = |name: &str| archive.file_names().any(|n| n.is_ok_and(|n| n == name));
    if has("word/document.xml") {
        FileFormat::Docx
    } else if has("xl/workbook.xml") {
        FileFormat::Xlsx
    } else if has("content.xml") && has("mimetype") {
        FileFormat::Ods
    } else {
        FileFormat::Zip
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_is_lower_case_without_dot_and_empty_for_dotfiles() {
        for (name, ext) in [
            ("seed.TXT", "txt"),
            ("a/b.c/seed.docx", "docx"),
            ("C:\\x\\表.Xlsx", "xlsx"),
            ("noext", ""),
            (".hidden", ""),
        ] {
            assert_eq!(extension(name), ext, "{name}");
        }
    }

    #[test]
    fn first_bytes_tell_zip_old_office_pdf_rtf_html_binary_and_text_apart() {
        let cases: [(&[u8], FileFormat); 8] = [
            (b"PK\x03\x04rest", FileFormat::Zip),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                FileFormat::OldOffice,
            ),
            (b"%PDF-1.7", FileFormat::Pdf),
            (b"{\\rtf1\\ansi", FileFormat::Rtf),
            (b"  <HTML><body><table>", FileFormat::Html),
            (b"abc\0def", FileFormat::Binary),
            (b"\xFF\xFEa\0b\0", FileFormat::Text),
            ("\t一级指标".as_bytes(), FileFormat::Text),
        ];
        for (bytes, format) in cases {
            assert_eq!(sniff(bytes), format, "{bytes:?}");
        }
    }

    #[test]
    fn blank_means_only_whitespace_and_byte_order_marks() {
        assert!(is_blank(b""));
        assert!(is_blank(b"\xEF\xBB\xBF \r\n\t"));
        assert!(!is_blank(b" x"));
    }
}
