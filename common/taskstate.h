// The life cycle of a task, shared by the service (which drives it) and by any client that
// shows it. The names are part of the HTTP API and of the database.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace hookme {

// Transitions:
//   Scheduled -> Running                  (the task became due and a worker claimed it)
//   Running   -> Delivered                (the webhook answered 2xx)
//   Running   -> Retrying                 (an attempt failed and retries are left)
//   Running   -> Failed                   (a permanent failure, or the last retry failed)
//   Retrying  -> Running                  (the retry became due)
//   Running   -> Scheduled/Retrying       (only at start-up: an attempt cut off by a crash is
//                                          run again, it does not count as an attempt)
//   Scheduled/Retrying -> Cancelled       (an operator cancelled it: DELETE /tasks/<id> or the
//                                          monitor; a running task is refused, 409)
//   Failed    -> Retrying                 (an operator retried it: POST /tasks/<id>/retry or
//                                          the monitor; the stored report is delivered again)
// Delivered and Cancelled are final. Failed is final unless an operator retries the task.
enum class TaskState { Scheduled, Running, Retrying, Delivered, Failed, Cancelled };

QString toString(TaskState state);
std::optional<TaskState> taskStateFromString(QStringView text);

// Unfinished tasks count for deduplication and for the cap on simultaneous tasks.
bool isFinished(TaskState state);

// The names of every state, in life-cycle order, and of the unfinished ones.
QStringList allTaskStateNames();
QStringList unfinishedTaskStateNames();

} // namespace hookme
