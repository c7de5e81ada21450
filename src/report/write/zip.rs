//! A minimal ZIP writer: one archive of *stored* (uncompressed) entries, as a `.qgz`
//! QGIS project needs (QGIS reads it with its bundled libzip; method 0 is part of every
//! reader).
//!
//! Input: (file name, bytes) pairs and one modification date for every entry. Output:
//! the archive's bytes (local headers, data, central directory, end record; no ZIP64,
//! so each entry and the whole archive must stay below 4 GiB, and there are fewer than
//! 65,536 entries). The same input gives the same bytes: there is no clock in here, the
//! date is the caller's (the DOS date of the as-of day, time 00:00:00).
//!
//! A crate would add compression minefree does not need; CRC-32 (IEEE, reflected
//! polynomial 0xEDB88320) takes a dozen lines.

use chrono::{Datelike, NaiveDate};

/// The CRC-32 table, built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 of `bytes` (the checksum ZIP, PNG and gzip use).
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// The MS-DOS date of `day` (years before 1980 become 1980-01-01, the format's start).
fn dos_date(day: NaiveDate) -> u16 {
    if day.year() < 1980 {
        return (1 << 5) | 1;
    }
    let year = (day.year() - 1980).min(127) as u16;
    (year << 9) | ((day.month() as u16) << 5) | day.day() as u16
}

/// A stored ZIP archive of `entries`, every entry dated `date` at 00:00:00.
pub fn stored_zip(entries: &[(&str, &[u8])], date: NaiveDate) -> Vec<u8> {
    let date = dos_date(date).to_le_bytes();
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        // version needed 2.0, flags (bit 11: the name is UTF-8), method 0 (stored), time
        // 00:00, date, CRC, compressed size, size, name length, extra length.
        let mut common = Vec::with_capacity(26);
        common.extend_from_slice(&20u16.to_le_bytes());
        common.extend_from_slice(&0x0800u16.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        common.extend_from_slice(&date);
        common.extend_from_slice(&crc32(data).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());

        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by: MS-DOS, 2.0
        central.extend_from_slice(&common);
        // comment length, disk number, internal and external attributes, local offset
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]); // this disk, disk with the central directory
    let count = (entries.len() as u16).to_le_bytes();
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The check value of CRC-32/ISO-HDLC (the ZIP CRC) for "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn dos_dates_pack_year_month_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(dos_date(d(1980, 1, 1)), 0x0021);
        assert_eq!(dos_date(d(2026, 6, 30)), (46 << 9) | (6 << 5) | 30);
        assert_eq!(dos_date(d(1970, 5, 5)), 0x0021);
    }

    #[test]
    fn stored_zip_has_headers_data_and_directory_where_readers_look() {
        let date = NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
        let zip = stored_zip(&[("a.qgs", b"<qgis/>")], date);
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(&zip[30..35], b"a.qgs");
        assert_eq!(&zip[35..42], b"<qgis/>");
        assert_eq!(&zip[14..18], &crc32(b"<qgis/>").to_le_bytes());
        let end = &zip[zip.len() - 22..];
        assert_eq!(&end[..4], b"PK\x05\x06");
        let dir_offset = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert_eq!(dir_offset, 42);
        assert_eq!(&zip[dir_offset..dir_offset + 4], b"PK\x01\x02");
        assert_eq!(
            zip,
            stored_zip(&[("a.qgs", b"<qgis/>")], date),
            "same bytes"
        );
    }
}
