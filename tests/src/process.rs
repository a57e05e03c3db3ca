//! The real-binary backend: `mindgap lsp --home HOME` as a child process with pipes on all
//! three streams. Only it has what a process has: stderr, its own environment, a pid, SIGKILL.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::binary::{mindgap_bin, wait_timeout};
use crate::framing::Deframer;

/// How to start a server.
#[derive(Default)]
pub struct Options {
    /// `--home`; default: a fresh folder `<temp>/home` the server must create itself.
    pub home: Option<PathBuf>,
    /// Arguments after `lsp --home DIR` (real binary only).
    pub args: Vec<OsString>,
    /// Extra environment variables (real binary only).
    pub env: Vec<(String, String)>,
    /// `RUST_LOG` for the server (default `info`, to keep stderr useful; real binary only).
    pub rust_log: Option<String>,
    /// The umask the server runs under (through `sh -c 'umask …; exec …'`; real binary only).
    pub umask: Option<u32>,
}

/// A running `mindgap lsp`, its stdout read into a [`Deframer`] and its stderr kept.
pub(crate) struct Process {
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Process {
    /// Spawns `mindgap lsp --home HOME ARGS…` in `cwd`; returns it and its stdin.
    pub(crate) fn spawn(
        opts: &Options,
        home: &Path,
        cwd: &Path,
        mut output: Deframer,
    ) -> (Process, Box<dyn Write + Send>) {
        let mut cmd = match opts.umask {
            None => Command::new(mindgap_bin()),
            Some(mask) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("umask {mask:03o}; exec \"$0\" \"$@\""))
                    .arg(mindgap_bin());
                sh
            }
        };
        cmd.arg("lsp")
            .arg("--home")
            .arg(home)
            .args(&opts.args)
            .env("RUST_LOG", opts.rust_log.as_deref().unwrap_or("info"))
            .env_remove("MINDGAP_HOME")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn mindgap lsp");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");

        let stdout_thread = std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            loop {
                match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => output.push(&buf[..n]),
                }
            }
            output.end();
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_thread = {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 14];
                loop {
                    match stderr_pipe.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => stderr.lock().unwrap().extend_from_slice(&buf[..n]),
                    }
                }
            })
        };
        let process = Process {
            child,
            stderr,
            readers: vec![stdout_thread, stderr_thread],
        };
        (process, Box::new(stdin))
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote on stderr so far.
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Waits up to `timeout` for the process to end: its exit code (`None`: ended by a signal),
    /// with everything it wrote read. On a hang it is killed and the reason returned.
    pub(crate) fn wait(&mut self, timeout: Duration) -> Result<Option<i32>, String> {
        match wait_timeout(&mut self.child, timeout) {
            Some(status) => {
                self.join_readers();
                Ok(status.code())
            }
            None => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err("killed".into())
            }
        }
    }

    /// The exit code if the process has ended by now.
    pub(crate) fn try_wait(&mut self) -> Option<Option<i32>> {
        let status = self.child.try_wait().ok().flatten()?;
        Some(status.code())
    }

    /// SIGKILL: no chance to flush anything.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
    }

    fn join_readers(&mut self) {
        // The pipes close when the process (and anything holding them) ends. A reader that
        // does not finish soon is left behind rather than waited on forever.
        for handle in self.readers.drain(..) {
            let deadline = Instant::now() + Duration::from_secs(2);
            while !handle.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
