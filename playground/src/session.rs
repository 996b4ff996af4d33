//! Sessions: one per browser tab, each with its run behind a lock, a training thread, and the
//! latest `settings`, `data` and `frame` events for its streams.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::Config;
use crate::trainer::{Status, Trainer};

/// How long the training thread trains before it lets a request in.
const SLICE: Duration = Duration::from_millis(10);
/// How often a running session sends a frame (25 a second).
pub const FRAME_EVERY: Duration = Duration::from_millis(40);
/// How often a running session is diagnosed.
const DIAGNOSE_EVERY: Duration = Duration::from_secs(1);
/// How often a running session prints its figures.
const STATS_EVERY: Duration = Duration::from_secs(10);

/// The latest event of each kind, as JSON text.
#[derive(Debug)]
pub struct Events {
    pub settings: watch::Sender<Arc<str>>,
    pub data: watch::Sender<Arc<str>>,
    pub frame: watch::Sender<Arc<str>>,
}

/// One browser tab's run.
#[derive(Debug)]
pub struct Session {
    pub id: String,
    trainer: Mutex<Trainer>,
    wake: Condvar,
    /// Requests waiting for the lock: the training thread steps aside for them.
    waiting: AtomicUsize,
    pub events: Events,
    /// Event streams connected now, and when the last one left.
    streams: AtomicUsize,
    last_seen: Mutex<Instant>,
    closed: AtomicBool,
    /// Frames sent and their bytes since the last figures were printed.
    sent: Mutex<(u64, usize)>,
}

fn json<T: serde::Serialize>(value: &T) -> Arc<str> {
    // Our own types serialize to JSON infallibly (no maps with non-string keys).
    serde_json::to_string(value)
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        .into()
}

impl Session {
    fn new(id: String, mut trainer: Trainer) -> Session {
        let frame = json(&trainer.frame());
        Session {
            events: Events {
                settings: watch::Sender::new(json(&trainer.settings)),
                data: watch::Sender::new(json(&trainer.data.json())),
                frame: watch::Sender::new(frame),
            },
            id,
            trainer: Mutex::new(trainer),
            wake: Condvar::new(),
            waiting: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
            last_seen: Mutex::new(Instant::now()),
            closed: AtomicBool::new(false),
            sent: Mutex::new((0, 0)),
        }
    }

    /// The run, for a request: the training thread lets it in at its next slice.
    pub fn lock(&self) -> MutexGuard<'_, Trainer> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let guard = self.trainer.lock().unwrap_or_else(|e| e.into_inner());
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        guard
    }

    /// Sends the run's settings (if `settings`), data (if `data`) and frame to the streams,
    /// and wakes the training thread (a paused run may have been told to play).
    pub fn publish(self: &Arc<Self>, t: &mut Trainer, settings: bool, data: bool) {
        if settings {
            self.events.settings.send_replace(json(&t.settings));
        }
        if data {
            self.events.data.send_replace(json(&t.data.json()));
        }
        if t.status != Status::Running {
            // First, so that the frame says the findings of this change are still to come
            // (the checkup needs the lock held here to end).
            self.diagnose(t);
        }
        self.send_frame(t);
        self.wake.notify_all();
    }

    /// Starts a diagnosis of the run on a thread of its own; its findings go into the next
    /// frame (sent at once if the run is not training). While one is under way, a running
    /// run waits for the next beat, and a paused one is checked again once it ends: every
    /// change while paused gets findings of its own, and the frame that ends the checkup says
    /// `checking: false`. The run's [`checking`](Trainer::checking) and
    /// [`recheck`](Trainer::recheck) say where it is, changed only under the run's lock.
    fn diagnose(self: &Arc<Self>, t: &mut Trainer) {
        if t.checking {
            t.recheck |= t.status != Status::Running;
            return;
        }
        t.checking = true;
        let job = t.diagnosis_job();
        let done = Diagnosing(self.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("diagnose-{}", self.id))
            .spawn(move || {
                let session = &done.0;
                let mut job = job;
                loop {
                    let findings = job.run();
                    let mut t = session.lock();
                    if t.generation == job.generation {
                        t.findings = findings;
                    }
                    if std::mem::take(&mut t.recheck) {
                        job = t.diagnosis_job();
                        continue;
                    }
                    // Over, under the lock: a change from now on starts a checkup of its own.
                    t.checking = false;
                    if t.status != Status::Running {
                        session.send_frame(&mut t);
                    }
                    return;
                }
            });
        if spawned.is_err() {
            t.checking = false;
        }
    }

    fn send_frame(&self, t: &mut Trainer) {
        let frame = json(&t.frame());
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        sent.0 += 1;
        sent.1 += frame.len();
        self.events.frame.send_replace(frame);
    }

    /// Counts a connected event stream until the returned guard drops.
    pub fn connect(self: &Arc<Self>) -> StreamGuard {
        self.streams.fetch_add(1, Ordering::SeqCst);
        StreamGuard(self.clone())
    }

    fn idle_for(&self) -> Duration {
        if self.streams.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        self.last_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }
}

/// A diagnosis under way. It marks itself over under the run's lock; if the job panics
/// instead, dropping this marks it over there, so that the session is diagnosed again and a
/// paused run's frame says no findings are coming (`checking: false`).
#[derive(Debug)]
struct Diagnosing(Arc<Session>);

impl Drop for Diagnosing {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The thread's own guard, if the panic came while it held the lock, was dropped
            // before this (locals before the closure's captures), so the lock is free to take.
            let session = &self.0;
            let mut t = session.lock();
            t.recheck = false;
            t.checking = false;
            if t.status != Status::Running {
                session.send_frame(&mut t);
            }
        }
    }
}

/// A connected event stream; dropping it marks the session seen now.
#[derive(Debug)]
pub struct StreamGuard(Arc<Session>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        *self.0.last_seen.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Every live session, by id.
#[derive(Debug)]
pub struct Registry {
    pub config: Config,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    counter: AtomicUsize,
}

impl Registry {
    pub fn new(config: Config) -> Arc<Registry> {
        Arc::new(Registry {
            config,
            sessions: Mutex::new(HashMap::new()),
            counter: AtomicUsize::new(0),
        })
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, id: &str) -> Option<Arc<Session>> {
        self.sessions().get(id).cloned()
    }

    /// Starts a session for `trainer` and its training thread; `None` when the registry is
    /// full.
    pub fn create(self: &Arc<Self>, trainer: Trainer) -> Option<Arc<Session>> {
        let mut sessions = self.sessions();
        if sessions.len() >= self.config.max_sessions {
            return None;
        }
        let id = self.fresh_id();
        let session = Arc::new(Session::new(id.clone(), trainer));
        sessions.insert(id, session.clone());
        let (s, registry) = (session.clone(), Arc::downgrade(self));
        let spawned = std::thread::Builder::new()
            .name(format!("train-{}", session.id))
            .spawn(move || train(&s, &registry));
        if spawned.is_err() {
            sessions.remove(&session.id);
            return None;
        }
        Some(session)
    }

    fn remove(&self, id: &str) {
        if let Some(s) = self.sessions().remove(id) {
            s.closed.store(true, Ordering::SeqCst);
            s.wake.notify_all();
        }
    }

    /// An id no one can guess from another: 64 random bits from the standard library's
    /// randomly keyed hasher, with a counter so two are never equal.
    fn fresh_id(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(self.counter.fetch_add(1, Ordering::SeqCst));
        format!("{:016x}", h.finish())
    }
}

/// The training thread: trains while the run is running, a slice at a time, sending a frame
/// every [`FRAME_EVERY`]; sleeps while it is not; ends the session once no stream has been
/// connected for the configured idle time.
fn train(session: &Arc<Session>, registry: &Weak<Registry>) {
    let mut next_frame = Instant::now();
    let mut next_stats = Instant::now() + STATS_EVERY;
    let mut next_diagnosis = Instant::now() + DIAGNOSE_EVERY;
    loop {
        let Some(reg) = registry.upgrade() else {
            return;
        };
        if session.closed.load(Ordering::SeqCst) {
            return;
        }
        if session.idle_for() > reg.config.idle_timeout {
            reg.remove(&session.id);
            return;
        }
        drop(reg);
        let mut t = session.trainer.lock().unwrap_or_else(|e| e.into_inner());
        if t.status != Status::Running {
            // Woken by a request that plays the run, or once a second to check for expiry.
            let _ = session.wake.wait_timeout(t, Duration::from_secs(1));
            next_frame = Instant::now();
            continue;
        }
        let until = (Instant::now() + SLICE).min(next_frame);
        loop {
            if let Err(e) = t.step() {
                t.diverge(&e);
                break;
            }
            if Instant::now() >= until || session.waiting.load(Ordering::SeqCst) > 0 {
                break;
            }
        }
        let now = Instant::now();
        if now >= next_frame || t.status != Status::Running {
            t.measure_rate();
            session.send_frame(&mut t);
            // On a fixed beat, unless a frame was late by more than a beat.
            next_frame = (next_frame + FRAME_EVERY).max(now);
        }
        if now >= next_diagnosis {
            session.diagnose(&mut t);
            next_diagnosis = now + DIAGNOSE_EVERY;
        }
        if now >= next_stats {
            print_stats(session, &t);
            next_stats = now + STATS_EVERY;
        }
        drop(t);
        // Let a waiting request take the lock before the next slice.
        while session.waiting.load(Ordering::SeqCst) > 0 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// One line of figures for a running session: what PERFORMANCE-style reports quote.
fn print_stats(session: &Session, t: &Trainer) {
    let (frames, bytes) =
        std::mem::take(&mut *session.sent.lock().unwrap_or_else(|e| e.into_inner()));
    let secs = STATS_EVERY.as_secs_f64();
    eprintln!(
        "session {}: epoch {}, {:.0} epochs/s, {:.1} frames/s, {:.1} kB a frame",
        session.id,
        t.epoch,
        t.epochs_per_second,
        frames as f64 / secs,
        if frames == 0 {
            0.0
        } else {
            bytes as f64 / frames as f64 / 1000.0
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn a_diagnosis_that_panics_is_over() {
        // In the job, and with the run's lock held (as the thread holds it to store findings).
        for holding_the_lock in [false, true] {
            let trainer = Trainer::new(Settings::default(), None).expect("the default run");
            let session = Arc::new(Session::new("s".to_string(), trainer));
            {
                let mut t = session.lock();
                t.checking = true;
                t.recheck = true;
            }
            let done = Diagnosing(session.clone());
            // As `diagnose` spawns it: the guard a capture of the closure, the lock a local.
            let job = std::thread::spawn(move || {
                let _t = holding_the_lock.then(|| done.0.lock());
                panic!("a diagnosis that fails");
            });
            assert!(job.join().is_err());
            // No findings are coming: the paused run's frame says so, or a client waits
            // for `checking: false` forever; and the next change starts a checkup.
            let t = session.lock();
            assert!(!t.checking && !t.recheck);
            drop(t);
            let frame: serde_json::Value =
                serde_json::from_str(&session.events.frame.borrow()).unwrap();
            assert_eq!(frame["checking"], false);
        }
    }
}
