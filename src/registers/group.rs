//! Group commit: the appends of a batch's threads made durable together.
//!
//! Every append to a register takes the register's file lock, writes its journal, signs a
//! checkpoint and fsyncs. In `assess --all` eight threads did that once per record, one
//! after the other: `strace -c` of a 300-account batch counted 910 `flock` calls waiting
//! 4.9 s in all, longer than the whole run's CPU time. Here a thread hands its item to the
//! group and waits; whichever thread finds no commit under way becomes the leader and
//! commits everything queued so far in one call, then wakes the others. Each caller still
//! returns only after its own item is durable (or with the error that stopped it), so what
//! a record's writer can rely on is unchanged; only the number of locks, checkpoints and
//! fsyncs falls.

use std::sync::{Condvar, Mutex};

use crate::error::{Error, Result};

/// Items of type `T` committed in groups; each gets its own answer `R`.
pub struct Group<T, R> {
    state: Mutex<State<T, R>>,
    wake: Condvar,
}

struct State<T, R> {
    queue: Vec<(u64, T)>,
    /// Tickets handed out so far.
    issued: u64,
    /// Answers of committed items not yet picked up, by ticket.
    answers: Vec<(u64, Result<R>)>,
    leading: bool,
}

impl<T, R> Default for Group<T, R> {
    fn default() -> Self {
        Group {
            state: Mutex::new(State {
                queue: Vec::new(),
                issued: 0,
                answers: Vec::new(),
                leading: false,
            }),
            wake: Condvar::new(),
        }
    }
}

impl<T, R> std::fmt::Debug for Group<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Group")
    }
}

impl<T, R> Group<T, R> {
    /// Queues `item` and returns once it is committed. `commit` gets every item queued
    /// (in the order they came) and returns one answer per item, in the same order; if it
    /// fails, every item of that group gets the error.
    pub fn submit(&self, item: T, commit: impl Fn(Vec<T>) -> Result<Vec<R>>) -> Result<R> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let ticket = st.issued;
        st.issued += 1;
        st.queue.push((ticket, item));
        loop {
            if let Some(i) = st.answers.iter().position(|(t, _)| *t == ticket) {
                return st.answers.swap_remove(i).1;
            }
            if st.leading {
                st = self.wake.wait(st).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            st.leading = true;
            let batch = std::mem::take(&mut st.queue);
            drop(st);
            let (tickets, items): (Vec<u64>, Vec<T>) = batch.into_iter().unzip();
            let n = items.len();
            // A panic in one commit must not leave the others waiting for ever.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit(items)))
                .unwrap_or_else(|_| {
                    Err(Error::Usage(
                        "internal: a register commit panicked; nothing more was appended".into(),
                    ))
                });
            st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Ok(answers) if answers.len() == n => {
                    st.answers
                        .extend(tickets.into_iter().zip(answers.into_iter().map(Ok)));
                }
                Ok(_) => {
                    let e = "internal: a group commit gave the wrong number of answers";
                    st.answers.extend(
                        tickets
                            .into_iter()
                            .map(|t| (t, Err(Error::Usage(e.into())))),
                    );
                }
                Err(e) => {
                    for t in tickets {
                        st.answers.push((t, Err(copy(&e))));
                    }
                }
            }
            st.leading = false;
            self.wake.notify_all();
        }
    }
}

/// The same error for each caller of a failed group (an `Error` is not `Clone`: its I/O
/// source is rebuilt with the same kind and message).
fn copy(e: &Error) -> Error {
    match e {
        Error::Input {
            file,
            line,
            field,
            message,
        } => Error::Input {
            file: file.clone(),
            line: *line,
            field: field.clone(),
            message: message.clone(),
        },
        Error::Usage(m) => Error::Usage(m.clone()),
        Error::CheckFailed(m) => Error::CheckFailed(m.clone()),
        Error::Io { path, source } => Error::Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Every caller gets its own answer, every item is committed exactly once, and while
    /// one commit runs the others queue up and go in fewer, larger commits.
    #[test]
    fn every_item_is_committed_once_and_answered_to_its_caller() {
        let group: Group<usize, usize> = Group::default();
        let commits = AtomicUsize::new(0);
        let seen = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for i in 0..64 {
                let (group, commits, seen) = (&group, &commits, &seen);
                s.spawn(move || {
                    let answer = group
                        .submit(i, |items| {
                            commits.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(2));
                            seen.lock().unwrap().extend(items.iter().copied());
                            Ok(items.iter().map(|x| x * 10).collect())
                        })
                        .unwrap();
                    assert_eq!(answer, i * 10);
                });
            }
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..64).collect::<Vec<_>>());
        assert!(commits.load(Ordering::SeqCst) <= 64);
    }

    #[test]
    fn a_failed_commit_fails_each_of_its_items_with_the_error() {
        let group: Group<u8, ()> = Group::default();
        let e = group
            .submit(1, |_| {
                Err(Error::input("disken är full").in_file(std::path::Path::new("a.csv")))
            })
            .unwrap_err();
        assert!(e.to_string().contains("disken är full"), "{e}");
        // The group is usable again after a failure.
        group.submit(2, |items| Ok(vec![(); items.len()])).unwrap();
    }

    #[test]
    fn a_panicking_commit_is_an_error_and_the_group_goes_on() {
        let group: Group<u8, ()> = Group::default();
        let e = group.submit(1, |_| panic!("bug")).unwrap_err();
        assert!(e.to_string().contains("panicked"), "{e}");
        group.submit(2, |items| Ok(vec![(); items.len()])).unwrap();
    }
}
