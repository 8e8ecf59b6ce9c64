//! Opening .docx/.xlsx zips without trusting them: entry count, declared and actual
//! uncompressed sizes, expansion ratio — every entry read through a `take()` limit.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::limits::{
    MAX_ENTRY_BYTES, MAX_EXPANSION_RATIO, MAX_TOTAL_BYTES, MAX_ZIP_ENTRIES, RATIO_CHECK_FLOOR,
};
use crate::{ImportError, ImportErrorKind, ZipLimit};

pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens the archive and checks the entry count and the sizes the central directory declares.
pub(crate) fn open<'a>(file: &str, bytes: &'a [u8]) -> Result<Archive<'a>, ImportError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(file, e))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(bomb(
            file,
            ZipLimit::TooManyEntries {
                count: archive.len(),
            },
        ));
    }
    Ok(archive)
}

/// Checks the declared sizes of all entries, then decompresses every entry (to nowhere) to check
/// the real sizes, since declared sizes can lie. Used before handing the bytes to calamine.
pub(crate) fn verify_all(file: &str, archive: &mut Archive<'_>) -> Result<(), ImportError> {
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| corrupt(file, e))?;
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(bomb(
                file,
                ZipLimit::EntryTooLarge {
                    entry: entry_name(&entry),
                },
            ));
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_TOTAL_BYTES {
        return Err(bomb(file, ZipLimit::TotalTooLarge));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        total += read_index(
            file,
            archive,
            i,
            &mut std::io::sink(),
            MAX_TOTAL_BYTES - total,
        )?;
    }
    Ok(())
}

/// Reads one entry by name into memory, within the limits. `None` when there is no such entry.
pub(crate) fn read_entry(
    file: &str,
    archive: &mut Archive<'_>,
    name: &str,
) -> Result<Option<Vec<u8>>, ImportError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    read_index(file, archive, index, &mut out, MAX_TOTAL_BYTES)?;
    Ok(Some(out))
}

/// Decompresses entry `index` into `sink` in chunks, stopping at the per-entry limit, the
/// remaining total budget or the expansion ratio. Returns the bytes written.
fn read_index(
    file: &str,
    archive: &mut Archive<'_>,
    index: usize,
    sink: &mut impl std::io::Write,
    budget: u64,
) -> Result<u64, ImportError> {
    let entry = archive.by_index(index).map_err(|e| corrupt(file, e))?;
    let name = entry_name(&entry);
    let compressed = entry.compressed_size().max(1);
    let limit = MAX_ENTRY_BYTES.min(budget);
    let mut reader = entry.take(limit + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| corrupt(file, e))?;
        if n == 0 {
            return Ok(written);
        }
        written += n as u64;
        if written > limit {
            return Err(bomb(
                file,
                if limit < MAX_ENTRY_BYTES {
                    ZipLimit::TotalTooLarge
                } else {
                    ZipLimit::EntryTooLarge { entry: name }
                },
            ));
        }
        if written > RATIO_CHECK_FLOOR && written / compressed > MAX_EXPANSION_RATIO {
            return Err(bomb(file, ZipLimit::ExpansionRatio { entry: name }));
        }
        sink.write_all(&buf[..n]).map_err(|e| corrupt(file, e))?;
    }
}

fn entry_name(entry: &zip::read::ZipFile<'_, Cursor<&[u8]>>) -> String {
    entry
        .name()
        .map(|n| n.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned())
}

fn corrupt(file: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::at_file(
        file,
        ImportErrorKind::CorruptZip {
            detail: e.to_string(),
        },
    )
}

fn bomb(file: &str, limit: ZipLimit) -> ImportError {
    ImportError::at_file(file, ImportErrorKind::ZipBomb { limit })
}
