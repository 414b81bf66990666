//! Sending an export: rows (CSV/TXT) or a finished file travel from the blocking pool to the
//! response through a small channel, so memory stays flat and the first bytes leave at once.

use super::csv::DelimitedWriter;
use super::{Format, RowSource};
use crate::db::DbPool;
use crate::domain::Zone;
use actix_web::web::Bytes;
use futures_util::Stream;
use std::io::Read;
use tokio::sync::mpsc;

type Chunk = Result<Bytes, std::io::Error>;

fn receiver_stream(rx: mpsc::Receiver<Chunk>) -> impl Stream<Item = Chunk> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

/// CSV or TXT straight from the database, chunk by chunk, times in `zone`.
pub fn delimited(
    pool: DbPool,
    mut source: Box<dyn RowSource>,
    format: Format,
    zone: Zone,
) -> impl Stream<Item = Chunk> {
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let writer = if format == Format::Txt {
            DelimitedWriter::tsv(zone)
        } else {
            DelimitedWriter::csv(zone)
        };
        let send = |item: Chunk| tx.blocking_send(item).is_ok();
        match writer.header(source.columns()) {
            Ok(head) => {
                if !send(Ok(Bytes::from(head))) {
                    return;
                }
            }
            Err(e) => {
                send(Err(e));
                return;
            }
        }
        let mut conn = match pool.get() {
            Ok(c) => c,
            Err(e) => {
                send(Err(std::io::Error::other(e.to_string())));
                return;
            }
        };
        loop {
            match source.write_chunk(&mut conn, &writer) {
                Ok(Some((bytes, _))) => {
                    // The client went away: stop reading.
                    if !send(Ok(Bytes::from(bytes))) {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::error!(error = %e, "export failed while streaming");
                    // Ending with an error aborts the transfer: the browser shows a failed
                    // download, never a file that looks complete.
                    send(Err(e));
                    return;
                }
            }
        }
    });
    receiver_stream(rx)
}

/// A finished file (already unlinked from the directory), read in 64 KiB pieces.
pub fn file(mut file: std::fs::File) -> impl Stream<Item = Chunk> {
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    if tx
                        .blocking_send(Ok(Bytes::copy_from_slice(&buf[..n])))
                        .is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    receiver_stream(rx)
}
