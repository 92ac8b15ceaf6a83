//! The iteration order of Java's `HashMap`/`HashSet`, where Dataverse hands one straight to
//! its JSON (the roles available on a collection, the metrics keyed by content type or
//! PID): keys are walked bucket by bucket (the hash spread as `h ^ h >>> 16`, masked by the
//! table size: 16, doubled whenever more than three quarters are used), each bucket in
//! insertion order.

/// `Long.hashCode`.
pub(crate) fn long_hash(v: i64) -> i32 {
    (v ^ ((v as u64) >> 32) as i64) as i32
}

/// `String.hashCode` (over UTF-16 code units).
pub(crate) fn string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0_i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The order (indexes into `hashes`, given in insertion order of distinct keys) in which a
/// Java hash table holding those keys iterates.
pub(crate) fn order(hashes: &[i32]) -> Vec<usize> {
    let mut capacity: usize = 16;
    while hashes.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |h: i32| -> usize {
        let spread = h ^ ((h as u32) >> 16) as i32;
        (spread as u32 as usize) & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    // A stable sort keeps insertion order within a bucket.
    order.sort_by_key(|&i| bucket(hashes[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_java() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        // "text/plain".hashCode() in Java.
        assert_eq!(string_hash("text/plain"), 817_335_912);
        assert_eq!(long_hash(5), 5);
        assert_eq!(long_hash(-1), 0);
    }

    #[test]
    fn order_walks_buckets_then_insertion() {
        // 17 and 1 share bucket 1 of 16; 16 is in bucket 0.
        assert_eq!(order(&[17, 1, 16, 2]), vec![2, 0, 1, 3]);
    }
}
