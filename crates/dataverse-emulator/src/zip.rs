//! A small streaming ZIP writer (STORE method, data descriptors): entries are written as
//! their bytes are read, so memory does not grow with file size; only the central directory
//! (a few dozen bytes per entry) is kept until the end.

use std::io;
use std::path::Path;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

struct Entry {
    name: Vec<u8>,
    crc: u32,
    size: u32,
    offset: u32,
}

/// Writes a ZIP archive to `W` one entry at a time.
pub(crate) struct ZipWriter<W> {
    w: W,
    offset: u64,
    entries: Vec<Entry>,
    time: u16,
    date: u16,
}

/// Flags: sizes and CRC in a data descriptor (bit 3), UTF-8 names (bit 11).
const FLAGS: u16 = 0x0808;
const LIMIT: u64 = u32::MAX as u64;

fn too_big() -> io::Error {
    io::Error::other("archive over 4 GiB (ZIP64 is not supported by the embedded server)")
}

impl<W: AsyncWrite + Unpin> ZipWriter<W> {
    /// A writer stamping entries with the current UTC time.
    pub(crate) fn new(w: W) -> Self {
        let now = time::OffsetDateTime::now_utc();
        let time =
            ((now.hour() as u16) << 11) | ((now.minute() as u16) << 5) | (now.second() as u16 / 2);
        let year = (now.year() - 1980).clamp(0, 127) as u16;
        let date = (year << 9) | ((now.month() as u16) << 5) | now.day() as u16;
        ZipWriter {
            w,
            offset: 0,
            entries: Vec::new(),
            time,
            date,
        }
    }

    async fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.w.write_all(bytes).await?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    async fn begin(&mut self, name: &str) -> io::Result<u32> {
        let offset = u32::try_from(self.offset).map_err(|_| too_big())?;
        let name = name.as_bytes();
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&FLAGS.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // STORE
        h.extend_from_slice(&self.time.to_le_bytes());
        h.extend_from_slice(&self.date.to_le_bytes());
        h.extend_from_slice(&[0u8; 12]); // crc, sizes: in the descriptor
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name);
        self.put(&h).await?;
        Ok(offset)
    }

    async fn end(&mut self, name: &str, offset: u32, crc: u32, size: u64) -> io::Result<()> {
        let size = u32::try_from(size)
            .ok()
            .filter(|s| (*s as u64) < LIMIT)
            .ok_or_else(too_big)?;
        let mut d = Vec::with_capacity(16);
        d.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        d.extend_from_slice(&crc.to_le_bytes());
        d.extend_from_slice(&size.to_le_bytes());
        d.extend_from_slice(&size.to_le_bytes());
        self.put(&d).await?;
        self.entries.push(Entry {
            name: name.as_bytes().to_vec(),
            crc,
            size,
            offset,
        });
        Ok(())
    }

    /// Add an entry from bytes in memory (small ones: the manifest).
    pub(crate) async fn add_bytes(&mut self, name: &str, data: &[u8]) -> io::Result<()> {
        let offset = self.begin(name).await?;
        self.put(data).await?;
        self.end(name, offset, crc32fast::hash(data), data.len() as u64)
            .await
    }

    /// Add an entry streamed from a file on disk.
    pub(crate) async fn add_file(&mut self, name: &str, path: &Path) -> io::Result<()> {
        let f = tokio::fs::File::open(path).await?;
        self.add_reader(name, f).await
    }

    /// Add an entry streamed from a reader (an object read from the S3 store, say).
    pub(crate) async fn add_reader(
        &mut self,
        name: &str,
        mut r: impl AsyncRead + Unpin,
    ) -> io::Result<()> {
        let offset = self.begin(name).await?;
        let mut hasher = crc32fast::Hasher::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = r.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
            self.put(&buf[..n]).await?;
        }
        self.end(name, offset, hasher.finalize(), size).await
    }

    /// Write the central directory and the end record; returns the inner writer.
    pub(crate) async fn finish(mut self) -> io::Result<W> {
        let start = u32::try_from(self.offset).map_err(|_| too_big())?;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let mut c = Vec::with_capacity(46 + e.name.len());
            c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            c.extend_from_slice(&20u16.to_le_bytes()); // made by
            c.extend_from_slice(&20u16.to_le_bytes()); // needed
            c.extend_from_slice(&FLAGS.to_le_bytes());
            c.extend_from_slice(&0u16.to_le_bytes());
            c.extend_from_slice(&self.time.to_le_bytes());
            c.extend_from_slice(&self.date.to_le_bytes());
            c.extend_from_slice(&e.crc.to_le_bytes());
            c.extend_from_slice(&e.size.to_le_bytes());
            c.extend_from_slice(&e.size.to_le_bytes());
            c.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            c.extend_from_slice(&[0u8; 8]); // extra, comment, disk, internal attrs
            c.extend_from_slice(&0u32.to_le_bytes()); // external attrs
            c.extend_from_slice(&e.offset.to_le_bytes());
            c.extend_from_slice(&e.name);
            self.put(&c).await?;
        }
        let size = u32::try_from(self.offset - start as u64).map_err(|_| too_big())?;
        let count =
            u16::try_from(entries.len()).map_err(|_| io::Error::other("too many entries"))?;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        end.extend_from_slice(&[0u8; 4]);
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&size.to_le_bytes());
        end.extend_from_slice(&start.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.put(&end).await?;
        self.w.flush().await?;
        Ok(self.w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn layout_is_readable() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        std::fs::write(&p, b"hello zip").unwrap();
        let mut z = ZipWriter::new(Vec::new());
        z.add_file("dir/a.bin", &p).await.unwrap();
        z.add_bytes("MANIFEST.TXT", b"m").await.unwrap();
        let out = z.finish().await.unwrap();
        // End record: two entries, central directory right after the data.
        let end = &out[out.len() - 22..];
        assert_eq!(&end[..4], &0x0605_4b50u32.to_le_bytes());
        assert_eq!(u16::from_le_bytes([end[10], end[11]]), 2);
        let cd = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert_eq!(&out[cd..cd + 4], &0x0201_4b50u32.to_le_bytes());
        assert_eq!(
            u32::from_le_bytes([out[cd + 16], out[cd + 17], out[cd + 18], out[cd + 19]]),
            crc32fast::hash(b"hello zip")
        );
        assert_eq!(&out[30..39], b"dir/a.bin");
        assert_eq!(&out[39..48], b"hello zip");
    }
}
