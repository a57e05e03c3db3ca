//! The task commands (`workspace/executeCommand`): `mindgap.task.start` (`["NAME"]` or
//! `[{"name", "manual", "estimate"}]`), `mindgap.task.finish` and `mindgap.struggle.start`
//! (`[{"minutes"}]`). They run on the store's writer connection, on a blocking thread.

use std::sync::Arc;

use serde_json::{Value, json};

use super::state::Shared;
use crate::store::Which;
use crate::tasks::Task;

pub const START: &str = "mindgap.task.start";
pub const FINISH: &str = "mindgap.task.finish";
pub const STRUGGLE: &str = "mindgap.struggle.start";
pub const COMMANDS: [&str; 3] = [START, FINISH, STRUGGLE];

fn task_json(t: Option<Task>) -> Value {
    t.map_or(
        Value::Null,
        |t| json!({"name": t.name, "manual": t.manual, "state": t.state.as_str()}),
    )
}

/// What `mindgap.task.start`'s argument asks for: (name, manual, estimate in lines).
fn start_args(arg: &Value) -> Result<(String, bool, Option<u64>), String> {
    let (name, manual, estimate) = match arg {
        Value::String(name) => (name.clone(), false, None),
        obj => (
            obj.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            obj.get("manual").and_then(Value::as_bool).unwrap_or(false),
            obj.get("estimate").and_then(Value::as_u64),
        ),
    };
    let name = crate::tasks::task_name(&name)
        .map_err(|e| format!("mindgap.task.start: {e} ([\"NAME\"] or [{{\"name\": NAME}}])"))?;
    Ok((name, manual, estimate))
}

/// Runs one of [`COMMANDS`] in the workspace `root`; what it answers.
pub async fn execute(
    shared: &Arc<Shared>,
    root: String,
    command: &str,
    args: &[Value],
) -> Result<Value, String> {
    let arg = args.first().cloned().unwrap_or(Value::Null);
    let shared = shared.clone();
    let command = command.to_string();
    tokio::task::spawn_blocking(move || match command.as_str() {
        START => {
            let (name, manual, estimate) = start_args(&arg)?;
            let t = shared.store.start_task(&root, &name, manual, estimate)?;
            Ok(task_json(Some(t)))
        }
        FINISH => finish(&shared, &root),
        STRUGGLE => {
            let minutes = arg
                .get("minutes")
                .and_then(Value::as_u64)
                .map_or(shared.config().struggle_minutes, |m| m.clamp(1, 600) as u32);
            shared
                .store
                .start_struggle(&root, minutes)
                .map(|s| json!({"ends_ms": s.ends_ms, "minutes": minutes}))
        }
        other => Err(format!("unknown command {other}")),
    })
    .await
    .unwrap_or_else(|e| Err(format!("the command failed: {e}")))
}

/// Finishes the active task; answers with its exact shares (as `task show --json`) when the
/// store can be read, else with what the command knows.
fn finish(shared: &Shared, root: &str) -> Result<Value, String> {
    let t = shared.store.finish_task(root)?;
    let report = t.as_ref().and_then(|t| {
        let (root, name, config) = (root.to_string(), t.name.clone(), shared.config());
        shared
            .store
            .read(move |db| {
                db?.report(&root, Which::Named(&name), &config)
                    .ok()
                    .flatten()
            })
            .flatten()
    });
    Ok(report.map_or_else(|| task_json(t), |r| crate::status::task_json(&r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_takes_a_name_or_an_object() {
        assert_eq!(
            start_args(&json!(" parser ")).unwrap(),
            ("parser".into(), false, None)
        );
        assert_eq!(
            start_args(&json!({"name": "lexer", "manual": true, "estimate": 40})).unwrap(),
            ("lexer".into(), true, Some(40))
        );
        assert!(start_args(&json!("  ")).is_err());
        assert!(start_args(&Value::Null).is_err());
    }
}
