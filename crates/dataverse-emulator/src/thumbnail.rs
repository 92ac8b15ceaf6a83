//! Image thumbnails, as `ImageThumbConverter` makes them: a PNG whose longest side is the
//! requested size (aspect kept, the other side truncated as Java's `(int)` cast does),
//! sampled like AWT's `SCALE_FAST` (`ReplicateScaleFilter`: the source pixel under each
//! target pixel's centre), with an alpha channel (`TYPE_INT_ARGB`), cached next to the
//! file's bytes as `<blob>.thumb<size>` and reused after.
//!
//! Which files can have one follows `FileUtil.isThumbnailSupported` (`image/*` except
//! `image/fits`, and PDFs) and `SystemConfig.getThumbnailSizeLimit` (images up to 3 MB,
//! PDFs up to 1 MB; empty files never). PNG, JPEG and GIF images are decoded here; other
//! image types and PDFs (which Dataverse renders with ImageMagick) cannot be made, which
//! Dataverse answers as a thumbnail that could not be generated.

use std::io::Cursor;
use std::path::{Path, PathBuf};

/// `ImageThumbConverter.DEFAULT_THUMBNAIL_SIZE`.
pub(crate) const DEFAULT_SIZE: u32 = 64;
/// `DEFAULT_THUMBNAIL_SIZE_LIMIT_IMAGE` (bytes).
const IMAGE_LIMIT: u64 = 3_000_000;
/// `DEFAULT_THUMBNAIL_SIZE_LIMIT_PDF` (bytes).
const PDF_LIMIT: u64 = 1_000_000;
/// The largest side we agree to make (a guard against `imageThumb=100000`, which would
/// make Java allocate a 40 GB image and fail).
const MAX_SIDE: u32 = 4096;

/// Whether Dataverse offers a thumbnail for this content type (`isThumbnailSupported`).
pub(crate) fn supported(content_type: &str) -> bool {
    let t = content_type.trim();
    let has_prefix = t.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("image/"));
    (has_prefix && !t.eq_ignore_ascii_case("image/fits"))
        || t.eq_ignore_ascii_case("application/pdf")
}

/// Where the thumbnail of `size` of the bytes at `blob` is cached.
pub(crate) fn cache_path(blob: &Path, size: u32) -> PathBuf {
    let mut name = blob.as_os_str().to_owned();
    name.push(format!(".thumb{size}"));
    PathBuf::from(name)
}

/// `x.jpg` ⇒ `x.png` (`fileName.replaceAll("\\.[^\\.]*$", ".png")`).
pub(crate) fn file_name(label: &str) -> String {
    match label.rfind('.') {
        Some(i) => format!("{}.png", &label[..i]),
        None => label.to_string(),
    }
}

/// The cached thumbnail of `size` of the file at `blob`, made now if it is not cached yet;
/// `None` when none can be made (too large, empty, not decodable, a PDF).
pub(crate) fn get_or_make(
    blob: &Path,
    content_type: &str,
    filesize: u64,
    size: u32,
) -> Option<PathBuf> {
    let cached = cache_path(blob, size);
    if std::fs::metadata(&cached).is_ok_and(|m| m.len() > 0) {
        return Some(cached);
    }
    let image = content_type
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("image/"));
    let limit = if image { IMAGE_LIMIT } else { PDF_LIMIT };
    if !image || filesize == 0 || filesize > limit || size == 0 || size > MAX_SIDE {
        return None;
    }
    let bytes = std::fs::read(blob).ok()?;
    let png = thumbnail_png(&bytes, size)?;
    // Written beside and renamed, so a reader never sees half a thumbnail.
    let tmp =
        cache_path(blob, size).with_extension(format!("thumb{size}.tmp-{}", uuid::Uuid::new_v4()));
    if let Err(e) = std::fs::write(&tmp, &png).and_then(|()| std::fs::rename(&tmp, &cached)) {
        tracing::warn!(error = %e, "cannot cache a thumbnail");
        let _ = std::fs::remove_file(&tmp);
        return None;
    }
    Some(cached)
}

/// The thumbnail's width and height for an image of `width` × `height`
/// (`ImageThumbConverter.rescaleImage`); `None` when a side would be empty.
fn target_size(width: u32, height: u32, size: u32) -> Option<(u32, u32)> {
    let (w, h) = if width > height {
        let scale = f64::from(size) / f64::from(width);
        (size, (f64::from(height) * scale) as u32)
    } else {
        let scale = f64::from(size) / f64::from(height);
        ((f64::from(width) * scale) as u32, size)
    };
    (w > 0 && h > 0).then_some((w, h))
}

/// Decode an image (PNG, JPEG or GIF, told by its bytes as `ImageIO.read` does) and encode
/// its thumbnail of `size` as an RGBA PNG.
pub(crate) fn thumbnail_png(bytes: &[u8], size: u32) -> Option<Vec<u8>> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let full = reader.decode().ok()?.to_rgba8();
    let (sw, sh) = full.dimensions();
    let (tw, th) = target_size(sw, sh, size)?;
    // `ReplicateScaleFilter.calculateMaps`.
    let map = |d: u32, src: u32, dst: u32| -> u32 {
        ((2 * u64::from(d) * u64::from(src) + u64::from(src)) / (2 * u64::from(dst))) as u32
    };
    let cols: Vec<u32> = (0..tw).map(|x| map(x, sw, tw)).collect();
    let thumb = image::RgbaImage::from_fn(tw, th, |x, y| {
        *full.get_pixel(cols[x as usize], map(y, sh, th))
    });
    let mut out = Vec::new();
    thumb
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 7, 200]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn longest_side_is_the_size_and_the_other_truncated() {
        assert_eq!(target_size(200, 100, 64), Some((64, 32)));
        assert_eq!(target_size(100, 300, 64), Some((21, 64)));
        assert_eq!(target_size(50, 50, 64), Some((64, 64)));
        assert_eq!(target_size(1000, 1, 64), None);
    }

    #[test]
    fn thumbnail_samples_source_pixels_and_keeps_alpha() {
        let thumb = thumbnail_png(&png(200, 100), 64).unwrap();
        let img = image::load_from_memory(&thumb).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (64, 32));
        // Target column 10 samples source column (2*10*200+200)/128 = 32.
        let p = img.get_pixel(10, 5);
        // Row 5 samples source row (2*5*100+100)/64 = 17.
        assert_eq!(p.0, [32, 17, 7, 200]);
        assert!(thumbnail_png(b"not an image", 64).is_none());
    }

    #[test]
    fn supported_types_and_names() {
        assert!(supported("image/png"));
        assert!(supported("IMAGE/JPEG"));
        assert!(supported("application/pdf"));
        assert!(!supported("image/fits"));
        assert!(!supported("text/plain"));
        assert_eq!(file_name("photo.final.jpg"), "photo.final.png");
        assert_eq!(file_name("noext"), "noext");
    }

    #[test]
    fn cached_after_first_use() {
        let dir = tempfile::tempdir().unwrap();
        let blob = dir.path().join("abc");
        let bytes = png(10, 20);
        std::fs::write(&blob, &bytes).unwrap();
        let got = get_or_make(&blob, "image/png", bytes.len() as u64, 48).unwrap();
        assert_eq!(got, dir.path().join("abc.thumb48"));
        // The cache is what is answered from now on.
        std::fs::write(&got, b"cached").unwrap();
        let again = get_or_make(&blob, "image/png", bytes.len() as u64, 48).unwrap();
        assert_eq!(std::fs::read(again).unwrap(), b"cached");
        assert!(get_or_make(&blob, "image/png", 3_000_001, 64).is_none());
        assert!(get_or_make(&blob, "application/pdf", 100, 64).is_none());
    }
}
