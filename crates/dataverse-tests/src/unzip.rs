//! Reading the ZIPs the server streams (STORE entries), for the tests that check them.

/// `(name, bytes)` of each entry of a ZIP, in central-directory order.
pub fn unzip(z: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([z[i], z[i + 1], z[i + 2], z[i + 3]]) as usize;
    let end = z.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "no end record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50);
        let size = u32_at(at + 20);
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30);
        let comment = u16_at(at + 32);
        let local = u32_at(at + 42);
        let name = String::from_utf8(z[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(local), 0x0403_4b50);
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        out.push((name, z[data_at..data_at + size].to_vec()));
        at += 46 + name_len + extra + comment;
    }
    out
}
