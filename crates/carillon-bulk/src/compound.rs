//! A check of an OLE2 compound file (the container of `.xls` workbooks) before calamine opens
//! it: the sector chains calamine follows must end inside the file.
//!
//! calamine 0.38 follows a chain until its end marker or the stream's declared length, so a
//! chain that loops back on itself makes it copy the same sectors until it has the declared
//! length (the directory's has none: it grows until memory runs out), and a DIFAT that lists
//! sectors many times makes it copy each one every time. A 5.5 KB file found by fuzzing asked
//! for gigabytes. Here the same structures are read the way calamine reads them, and a file
//! whose chains loop or leave the file, or whose allocation table claims more sectors than the
//! file holds, is refused; calamine then only ever holds about as many bytes as the file has.

/// The first bytes of every compound file.
const SIGNATURE: [u8; 8] = *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector ids at or above this are markers, not sectors (`MAXREGSECT` + 1).
const RESERVED: u32 = 0xFFFF_FFFA;
/// A DIFAT entry at or above this names no FAT sector (calamine skips them).
const DIFSECT: u32 = 0xFFFF_FFFC;
/// The end of a chain.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream (bounded by their length in calamine).
const MINI_STREAM_CUTOFF: u64 = 4096;
/// Streams calamine's `.xls` reader opens by name (the first directory entry of that name,
/// ASCII case ignored).
const STREAMS: [&str; 4] = [
    "Workbook",
    "Book",
    "\u{5}SummaryInformation",
    "\u{5}DocumentSummaryInformation",
];

/// Why a compound file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// A sector id points past the end of the file.
    OutsideFile,
    /// A chain comes back to a sector it has already been through.
    Loop,
    /// The allocation table names more sectors than the file holds.
    TooManyFatSectors,
}

/// The file's sectors, as calamine numbers them: sector 0 follows the header, which takes one
/// sector (512 bytes, or 4096 with 4096-byte sectors).
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl Sectors<'_> {
    fn count(&self) -> usize {
        self.bytes
            .len()
            .saturating_sub(self.size)
            .div_ceil(self.size)
    }

    /// A sector's bytes (shorter for the last one when the file ends inside it).
    fn get(&self, id: u32) -> Result<&[u8], Malformed> {
        let start = usize::try_from(id)
            .ok()
            .and_then(|id| id.checked_add(1)?.checked_mul(self.size))
            .filter(|start| *start < self.bytes.len())
            .ok_or(Malformed::OutsideFile)?;
        let end = self.bytes.len().min(start + self.size);
        Ok(&self.bytes[start..end])
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Checks `bytes` if they are a compound file; anything else (or a header calamine refuses by
/// itself) passes untouched.
pub(crate) fn check(bytes: &[u8]) -> Result<(), Malformed> {
    if bytes.len() < 512 || bytes[..8] != SIGNATURE || u32_at(bytes, 32) & 0xFFFF != 6 {
        return Ok(());
    }
    let size = match u32_at(bytes, 30) & 0xFFFF {
        9 => 512,
        12 if bytes.len() >= 4096 => 4096,
        _ => return Ok(()),
    };
    let sectors = Sectors { bytes, size };
    let fat = allocation_table(bytes, &sectors)?;
    let walk = |start, len| walk(&sectors, &fat, start, len);

    // The directory is read whole, so any loop in its chain never ends.
    let directory = walk(u32_at(bytes, 48), u64::MAX)?;
    let entries: Vec<(String, u32, u64)> = directory
        .chunks_exact(128)
        .map(|entry| {
            let len = if size == 512 {
                u64::from(u32_at(entry, 120))
            } else {
                u64::from(u32_at(entry, 120)) | (u64::from(u32_at(entry, 124)) << 32)
            };
            (entry_name(entry), u32_at(entry, 116), len)
        })
        .collect();
    let mini_fat_sectors = u64::from(u32_at(bytes, 64));
    if let Some((_, start, len)) = entries.first()
        && mini_fat_sectors > 0
    {
        // The root entry's chain is the mini stream; then the mini FAT.
        walk(*start, *len)?;
        walk(
            u32_at(bytes, 60),
            mini_fat_sectors.saturating_mul(size as u64),
        )?;
    }
    for name in STREAMS {
        let found = entries
            .iter()
            .find(|(entry, _, _)| entry.as_bytes().eq_ignore_ascii_case(name.as_bytes()));
        if let Some((_, start, len)) = found
            && *len >= MINI_STREAM_CUTOFF
        {
            walk(*start, *len)?;
        }
    }
    Ok(())
}

/// The FAT: the DIFAT (109 entries in the header, then a chain of DIFAT sectors whose last
/// entry links to the next) names the FAT's sectors.
fn allocation_table(bytes: &[u8], sectors: &Sectors<'_>) -> Result<Vec<u32>, Malformed> {
    let mut difat: Vec<u32> = u32s(&bytes[76..512]).collect();
    let mut seen = vec![false; sectors.count()];
    let mut next = u32_at(bytes, 68);
    while next < RESERVED {
        let sector = sectors.get(next)?;
        let visited = seen.get_mut(next as usize).ok_or(Malformed::OutsideFile)?;
        if std::mem::replace(visited, true) {
            return Err(Malformed::Loop);
        }
        difat.extend(u32s(sector));
        next = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    // calamine copies every listed sector, repeats included.
    if fat_sectors.len() > sectors.count() {
        return Err(Malformed::TooManyFatSectors);
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * sectors.size / 4);
    for id in fat_sectors {
        fat.extend(u32s(sectors.get(id)?));
    }
    Ok(fat)
}

/// Follows a chain as calamine does, until its end or `len` bytes, and returns its bytes.
fn walk(sectors: &Sectors<'_>, fat: &[u32], start: u32, len: u64) -> Result<Vec<u8>, Malformed> {
    let mut chain = Vec::new();
    let mut seen = vec![false; sectors.count()];
    let mut id = start;
    while id != END_OF_CHAIN {
        let sector = sectors.get(id)?;
        let visited = seen.get_mut(id as usize).ok_or(Malformed::OutsideFile)?;
        if std::mem::replace(visited, true) {
            return Err(Malformed::Loop);
        }
        chain.extend_from_slice(sector);
        if chain.len() as u64 >= len {
            break;
        }
        id = *fat.get(id as usize).ok_or(Malformed::OutsideFile)?;
    }
    Ok(chain)
}

/// A directory entry's name: UTF-16LE in the first 64 bytes, up to the first NUL.
fn entry_name(entry: &[u8]) -> String {
    let units: Vec<u16> = entry[..64]
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .take_while(|unit| *unit != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FREE: u32 = 0xFFFF_FFFF;

    /// A compound file with 512-byte sectors: the FAT in sector 0, the directory starting in
    /// sector 1, then `extra` more sectors; `fat` gives the FAT's first entries.
    fn file(fat: &[u32], directory_start: u32, extra: usize) -> Vec<u8> {
        let mut bytes = vec![0_u8; 512 * (3 + extra)];
        bytes[..8].copy_from_slice(&SIGNATURE);
        bytes[26] = 3; // version
        bytes[30] = 9; // 512-byte sectors
        bytes[32] = 6; // 64-byte mini sectors
        bytes[44] = 1; // one FAT sector
        bytes[48..52].copy_from_slice(&directory_start.to_le_bytes());
        bytes[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        bytes[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for (i, chunk) in bytes[76..512].chunks_exact_mut(4).enumerate() {
            let id = if i == 0 { 0 } else { FREE };
            chunk.copy_from_slice(&id.to_le_bytes());
        }
        for (i, chunk) in bytes[512..1024].chunks_exact_mut(4).enumerate() {
            let next = fat.get(i).copied().unwrap_or(FREE);
            chunk.copy_from_slice(&next.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn a_well_formed_chain_passes() {
        // FAT sector, then a two-sector directory (1 → 2 → end).
        let bytes = file(&[0xFFFF_FFFD, 2, END_OF_CHAIN], 1, 1);
        assert_eq!(check(&bytes), Ok(()));
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        let bytes = file(&[0xFFFF_FFFD, 2, 1], 1, 1);
        assert_eq!(check(&bytes), Err(Malformed::Loop));
    }

    #[test]
    fn a_chain_past_the_end_is_refused() {
        let bytes = file(&[0xFFFF_FFFD, 40], 1, 1);
        assert_eq!(check(&bytes), Err(Malformed::OutsideFile));
    }

    #[test]
    fn a_fat_listing_more_sectors_than_the_file_is_refused() {
        let mut bytes = file(&[0xFFFF_FFFD, END_OF_CHAIN], 1, 0);
        // Sector 0 listed as a FAT sector 109 times.
        for chunk in bytes[76..512].chunks_exact_mut(4) {
            chunk.copy_from_slice(&0_u32.to_le_bytes());
        }
        assert_eq!(check(&bytes), Err(Malformed::TooManyFatSectors));
    }

    #[test]
    fn a_looping_difat_chain_is_refused() {
        let mut bytes = file(&[0xFFFF_FFFD, END_OF_CHAIN, FREE], 1, 1);
        // DIFAT sector 2 whose last entry links back to itself.
        bytes[68..72].copy_from_slice(&2_u32.to_le_bytes());
        let sector = 512 * 3;
        for chunk in bytes[sector..sector + 512].chunks_exact_mut(4) {
            chunk.copy_from_slice(&FREE.to_le_bytes());
        }
        bytes[sector + 508..sector + 512].copy_from_slice(&2_u32.to_le_bytes());
        assert_eq!(check(&bytes), Err(Malformed::Loop));
    }

    #[test]
    fn other_bytes_pass_untouched() {
        assert_eq!(check(b"PK\x03\x04 not a compound file"), Ok(()));
        assert_eq!(check(&SIGNATURE), Ok(()));
    }
}
