//! Work that runs beside a transfer on threads of its own, so that receiving, hashing and
//! writing a large file use separate cores instead of adding up on one:
//!
//! - [`hash_queue`] hashes the chunks an upload's stream hands it;
//! - [`file_chunks`] reads a file to upload on a thread of its own, into reused buffers;
//! - [`PartSink`] takes a download's bytes, hashes them on one thread and writes the
//!   `.part` file on another, and starts flushing the file to the disk while the transfer
//!   runs, so that the final `fsync` before the rename finds little left to do.
//!
//! The sink copies what arrives into blocks of [`BLOCK`] bytes that both threads read and
//! that go back to a small pool when both are done with them. Copying costs far less than
//! it saves: the HTTP client can reuse its receive buffer at once, and no fresh memory is
//! touched (and zeroed by the kernel) for each megabyte. Each queue holds a few blocks, so
//! memory stays bounded whatever the size of the file.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::checksum::Hasher;

/// Bytes gathered before a block is handed to the threads.
pub(crate) const BLOCK: usize = 1024 * 1024;

/// Blocks a queue holds before the sender waits.
const QUEUE: usize = 4;

/// Bytes written between two background `fdatasync` calls of a part file.
const SYNC_EVERY: u64 = 64 * 1024 * 1024;

/// The error of a helper thread that is gone (it panicked, or its queue closed early).
pub(crate) fn thread_stopped(what: &str) -> io::Error {
    io::Error::other(format!("the {what} thread stopped"))
}

/// Lock `m`, also after a panic elsewhere poisoned it (the data stays usable here).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A thread hashing what is sent into the returned queue (holding up to `capacity` chunks),
/// until the queue is dropped; [`hashed`] of the task gives back the hasher.
pub(crate) fn hash_queue(
    hasher: Hasher,
    capacity: usize,
) -> (mpsc::Sender<Bytes>, tokio::task::JoinHandle<Hasher>) {
    let (queue, mut chunks) = mpsc::channel::<Bytes>(capacity);
    let task = tokio::task::spawn_blocking(move || {
        let mut hasher = hasher;
        while let Some(chunk) = chunks.blocking_recv() {
            hasher.update(&chunk);
        }
        hasher
    });
    (queue, task)
}

/// The hasher of a [`hash_queue`] task, once its queue has been dropped and everything sent
/// is hashed.
pub(crate) async fn hashed(task: tokio::task::JoinHandle<Hasher>) -> io::Result<Hasher> {
    task.await
        .map_err(|e| io::Error::other(format!("the checksum thread failed: {e}")))
}

/// A stream of a file's bytes for an upload: read on a blocking thread in `chunk`-byte
/// pieces into buffers that come back to a small pool when the HTTP client has sent them.
/// Reusing buffers matters more than it seems: fresh memory for every piece costs the
/// kernel a page fault and a zeroed page per 4 KiB (a third of a second per GiB here, more
/// in a young process whose allocator keeps returning memory to the system).
pub(crate) fn file_chunks(
    file: File,
    chunk: usize,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
    let (queue, chunks) = mpsc::channel::<io::Result<Bytes>>(QUEUE);
    let pool = Pool::default();
    tokio::task::spawn_blocking(move || read_loop(file, chunk, &pool, &queue));
    futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks.recv().await.map(|c| (c, chunks))
    })
}

/// The reading thread of [`file_chunks`]: read until the end, an error, or the stream is
/// dropped.
fn read_loop(mut file: File, chunk: usize, pool: &Pool, queue: &mpsc::Sender<io::Result<Bytes>>) {
    use std::io::Read;
    loop {
        let mut data = lock(pool).pop().unwrap_or_default();
        data.resize(chunk, 0);
        let n = match file.read(&mut data) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = queue.blocking_send(Err(e));
                return;
            }
        };
        data.truncate(n);
        let bytes = Bytes::from_owner(Pooled {
            data,
            pool: pool.clone(),
        });
        if queue.blocking_send(Ok(bytes)).is_err() {
            return;
        }
    }
}

/// A buffer lent out as [`Bytes`] (to the HTTP client, or to the hashing and writing
/// threads of a download); back to its pool, emptied, when the last holder drops it.
struct Pooled {
    data: Vec<u8>,
    pool: Pool,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let mut data = std::mem::take(&mut self.data);
        data.clear();
        let mut pool = lock(&self.pool);
        if pool.len() < POOL {
            pool.push(data);
        }
    }
}

/// Spare block buffers, kept for reuse.
type Pool = Arc<Mutex<Vec<Vec<u8>>>>;

/// Buffers a pool keeps; more than the queues can hold at once is never needed.
const POOL: usize = 2 * QUEUE + 2;

/// What the writer thread is asked to do, in order.
enum Command {
    Write(Bytes),
    /// Empty the file and write from its start again.
    Reset,
    /// Answer once everything before has been written (or with the first error).
    Flush(oneshot::Sender<io::Result<()>>),
}

/// Where a download's bytes go: the `.part` file, written on a blocking thread of its own,
/// and optionally a [`Hasher`] on another.
///
/// Unless told not to, every [`SYNC_EVERY`] bytes the writer asks a third thread to
/// `fdatasync` what has been written so far, so that writing back to the disk overlaps the
/// transfer; [`finish`] (`fsync`) then only waits for the tail. A failed write stops the writer; the error comes
/// back from the next [`write`], [`flush`] or [`finish`].
///
/// [`finish`]: PartSink::finish
/// [`write`]: PartSink::write
/// [`flush`]: PartSink::flush
pub(crate) struct PartSink {
    pool: Pool,
    current: Vec<u8>,
    /// The queue and task of the hashing thread ([`hash_queue`]).
    hasher: Option<(mpsc::Sender<Bytes>, tokio::task::JoinHandle<Hasher>)>,
    queue: Option<mpsc::Sender<Command>>,
    task: tokio::task::JoinHandle<io::Result<()>>,
}

impl PartSink {
    /// Open (creating it if needed) `path`, keep its first `offset` bytes and write after
    /// them; hash what comes with `hasher` (which has already seen the kept bytes). With
    /// `sync` off, nothing is flushed to the disk on purpose.
    pub(crate) async fn open(
        path: &Path,
        offset: u64,
        hasher: Option<Hasher>,
        sync: bool,
    ) -> io::Result<Self> {
        let path = path.to_path_buf();
        let file = tokio::task::spawn_blocking(move || -> io::Result<File> {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(offset == 0)
                .open(&path)?;
            if offset > 0 {
                file.set_len(offset)?;
                file.seek(SeekFrom::Start(offset))?;
            }
            Ok(file)
        })
        .await
        .map_err(|e| io::Error::other(format!("opening the part file failed: {e}")))??;
        let (queue, commands) = mpsc::channel::<Command>(QUEUE);
        let task = tokio::task::spawn_blocking(move || write_loop(file, commands, sync));
        Ok(PartSink {
            pool: Pool::default(),
            current: Vec::with_capacity(BLOCK),
            hasher: hasher.map(|h| hash_queue(h, QUEUE)),
            queue: Some(queue),
            task,
        })
    }

    /// Take `data` next (waits only when a queue is full).
    pub(crate) async fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let room = BLOCK - self.current.len();
            let take = room.min(data.len());
            self.current.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.current.len() == BLOCK {
                self.dispatch().await?;
            }
        }
        Ok(())
    }

    /// Hand the current block to the threads and start a new one.
    async fn dispatch(&mut self) -> io::Result<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        let spare = lock(&self.pool)
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(BLOCK));
        let block = Bytes::from_owner(Pooled {
            data: std::mem::replace(&mut self.current, spare),
            pool: self.pool.clone(),
        });
        if let Some((queue, _)) = &self.hasher
            && queue.send(block.clone()).await.is_err()
        {
            return Err(thread_stopped("checksum"));
        }
        self.send(Command::Write(block)).await
    }

    /// Wait until everything given so far is in the file.
    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        self.dispatch().await?;
        let (tx, rx) = oneshot::channel();
        self.send(Command::Flush(tx)).await?;
        match rx.await {
            Ok(result) => result,
            Err(_) => Err(self.stopped().await),
        }
    }

    /// Empty the file and write from its start again, hashing afresh with `hasher`.
    pub(crate) async fn reset(&mut self, hasher: Option<Hasher>) -> io::Result<()> {
        self.current.clear();
        if let Some((queue, task)) = self.hasher.take() {
            // What it hashed is thrown away; only its end is awaited.
            drop(queue);
            let _ = hashed(task).await;
        }
        self.hasher = hasher.map(|h| hash_queue(h, QUEUE));
        self.send(Command::Reset).await?;
        self.flush().await
    }

    /// Write out the rest, `fsync` the file and close it; the hasher, having seen every byte.
    pub(crate) async fn finish(mut self) -> io::Result<Option<Hasher>> {
        self.dispatch().await?;
        let hasher = self.hasher.take();
        drop(self.queue.take());
        // The last of the hashing overlaps writing the file out to disk.
        let written = async {
            (&mut self.task)
                .await
                .map_err(|e| io::Error::other(format!("the writer thread failed: {e}")))?
        };
        let hashed = async {
            match hasher {
                Some((queue, task)) => {
                    drop(queue);
                    hashed(task).await.map(Some)
                }
                None => Ok(None),
            }
        };
        let (written, hashed) = tokio::join!(written, hashed);
        written?;
        hashed
    }

    async fn send(&mut self, command: Command) -> io::Result<()> {
        let sent = match &self.queue {
            Some(q) => q.send(command).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(self.stopped().await)
        }
    }

    /// The error that stopped the writer thread.
    async fn stopped(&mut self) -> io::Error {
        drop(self.queue.take());
        match (&mut self.task).await {
            Ok(Err(e)) => e,
            Ok(Ok(())) => thread_stopped("writer"),
            Err(e) => io::Error::other(format!("the writer thread failed: {e}")),
        }
    }
}

/// The writer thread: carry out `commands` until the queue closes, then `fsync` (unless
/// `sync` is off).
fn write_loop(mut file: File, mut commands: mpsc::Receiver<Command>, sync: bool) -> io::Result<()> {
    let mut syncer = if sync { Syncer::start(&file) } else { None };
    let mut unsynced: u64 = 0;
    while let Some(command) = commands.blocking_recv() {
        match command {
            Command::Write(block) => {
                file.write_all(&block)?;
                unsynced += block.len() as u64;
                if unsynced >= SYNC_EVERY {
                    if let Some(s) = syncer.as_mut() {
                        s.request();
                    }
                    unsynced = 0;
                }
            }
            Command::Reset => {
                file.set_len(0)?;
                file.seek(SeekFrom::Start(0))?;
            }
            Command::Flush(reply) => {
                // Writes go straight to the file: everything before has been written.
                let _ = reply.send(Ok(()));
            }
        }
    }
    if let Some(s) = syncer {
        s.stop()?;
    }
    if sync { file.sync_all() } else { Ok(()) }
}

/// A thread that `fdatasync`s a file when asked, at most one request pending at a time.
struct Syncer {
    requests: Option<std::sync::mpsc::SyncSender<()>>,
    thread: std::thread::JoinHandle<io::Result<()>>,
}

impl Syncer {
    /// `None` when the file cannot be shared or no thread can be started: the final `fsync`
    /// then does all the work.
    fn start(file: &File) -> Option<Syncer> {
        let file = file.try_clone().ok()?;
        let (requests, pending) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("dataverse-part-sync".into())
            .spawn(move || {
                while pending.recv().is_ok() {
                    file.sync_data()?;
                }
                Ok(())
            })
            .ok()?;
        Some(Syncer {
            requests: Some(requests),
            thread,
        })
    }

    /// Ask for a sync unless one is already waiting.
    fn request(&mut self) {
        if let Some(r) = &self.requests {
            let _ = r.try_send(());
        }
    }

    /// Wait for the thread to end; the error of a failed sync.
    fn stop(mut self) -> io::Result<()> {
        drop(self.requests.take());
        self.thread
            .join()
            .map_err(|_| io::Error::other("the sync thread panicked"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::ChecksumAlgorithm;

    fn data(total: usize) -> Vec<u8> {
        (0..total).map(|i| (i * 31 % 251) as u8).collect()
    }

    fn md5(data: &[u8]) -> String {
        let mut h = Hasher::new(ChecksumAlgorithm::Md5);
        h.update(data);
        h.finalize()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_and_hashes_every_byte_in_order() {
        let dir = tempfile_dir();
        for (total, size) in [
            (0, 1),
            (10, 3),
            (3 * BLOCK + 17, 70_000),
            (BLOCK, BLOCK),
            (2 * BLOCK + 1, 3 * BLOCK),
        ] {
            let path = dir.join(format!("{total}-{size}.part"));
            let bytes = data(total);
            let mut sink =
                PartSink::open(&path, 0, Some(Hasher::new(ChecksumAlgorithm::Md5)), true)
                    .await
                    .unwrap();
            for c in bytes.chunks(size) {
                sink.write(c).await.unwrap();
            }
            let h = sink.finish().await.unwrap().unwrap();
            assert_eq!(h.bytes_hashed(), total as u64);
            assert_eq!(h.finalize(), md5(&bytes));
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_after_the_kept_prefix_and_resets() {
        let dir = tempfile_dir();
        let path = dir.join("a.part");
        std::fs::write(&path, b"0123456789").unwrap();
        // Keep 4 bytes, then write more than a block in odd chunks.
        let mut sink = PartSink::open(&path, 4, None, false).await.unwrap();
        let bytes = data(2 * BLOCK + 5);
        for c in bytes.chunks(70_000) {
            sink.write(c).await.unwrap();
        }
        sink.flush().await.unwrap();
        let mut expected = b"0123".to_vec();
        expected.extend_from_slice(&bytes);
        assert_eq!(std::fs::read(&path).unwrap(), expected);

        sink.reset(Some(Hasher::new(ChecksumAlgorithm::Sha256)))
            .await
            .unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        sink.write(b"again").await.unwrap();
        let h = sink.finish().await.unwrap().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"again");
        let mut again = Hasher::new(ChecksumAlgorithm::Sha256);
        again.update(b"again");
        assert_eq!(h.finalize(), again.finalize());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_comes_back_as_the_error() {
        // /dev/full accepts the open and fails every write with ENOSPC.
        let mut sink = PartSink::open(Path::new("/dev/full"), 0, None, true)
            .await
            .unwrap();
        let bytes = data(4 * BLOCK);
        let mut failed = None;
        for c in bytes.chunks(64 * 1024) {
            if let Err(e) = sink.write(c).await {
                failed = Some(e);
                break;
            }
        }
        let err = match failed {
            Some(e) => e,
            None => sink.finish().await.unwrap_err(),
        };
        assert_eq!(err.raw_os_error(), Some(28), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn file_chunks_give_the_whole_file_in_order() {
        use futures_util::StreamExt;
        let dir = tempfile_dir();
        for total in [0, 1, 1000, 3 * 65_536 + 5] {
            let path = dir.join(format!("{total}.bin"));
            let bytes = data(total);
            std::fs::write(&path, &bytes).unwrap();
            let mut stream = Box::pin(file_chunks(File::open(&path).unwrap(), 65_536));
            let mut got = Vec::new();
            // Hold a few chunks at once, as an HTTP client may, then let them go.
            let mut held = Vec::new();
            while let Some(c) = stream.next().await {
                let c = c.unwrap();
                assert!(c.len() <= 65_536);
                got.extend_from_slice(&c);
                held.push(c);
                if held.len() == 3 {
                    held.clear();
                }
            }
            assert_eq!(got, bytes);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_read_error_ends_file_chunks_with_the_error() {
        use futures_util::StreamExt;
        // A directory opens as a file on Linux, and every read of it fails (EISDIR).
        let dir = tempfile_dir();
        let mut stream = Box::pin(file_chunks(File::open(&dir).unwrap(), 1024));
        let err = stream.next().await.unwrap().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(21), "{err}");
        assert!(
            stream.next().await.is_none(),
            "the stream ends after the error"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn the_hash_queue_hashes_what_it_is_given() {
        let bytes = data(BLOCK + 3);
        let (queue, task) = hash_queue(Hasher::new(ChecksumAlgorithm::Md5), QUEUE);
        for c in bytes.chunks(100_000) {
            queue.send(Bytes::copy_from_slice(c)).await.unwrap();
        }
        drop(queue);
        assert_eq!(hashed(task).await.unwrap().finalize(), md5(&bytes));
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "dataverse-background-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
