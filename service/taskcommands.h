// The operator's commands on one task, with one set of rules for every front end. The monitor
// socket (MonitorServer) and the HTTP API's POST /tasks/<id>/retry and DELETE /tasks/<id>
// (ApiServer) both call them, so that both answer alike. The errors are ApiErrors: an HTTP
// route answers outcome.error.toResponse() as it is.
//
//   cancel(id)  a scheduled or retrying task -> cancelled, finished now.
//               404 not_found          no task with that id
//               409 task_running       an attempt is under way; cancel once it has ended
//               409 task_finished      delivered, failed or cancelled already
//   retry(id)   a failed task -> retrying, due now. It gets one more attempt, numbered after
//               its earlier ones, which stay in its history.
//               404 not_found          no task with that id
//               409 task_not_failed    only a failed task can be retried
//               409 repository_busy    another unfinished task exists for the repository
//                                      (intake's one-unfinished-task-per-repository rule)
//   either      503 store_unavailable  the database failed; nothing changed
//
// Each command is one conditional UPDATE, so a task an attempt claimed a moment earlier is
// never changed under it. A command that changed a task emits taskChanged() with the task as
// stored; the scheduler must wake() on it, since a retried task is due at once.
#pragma once

#include "apierror.h"
#include "task.h"

#include <QObject>

#include <optional>

namespace hookme {

class TaskStore;

struct CommandOutcome {
    std::optional<Task> task;  // the task after the command, when it succeeded
    ApiError error;            // why not, otherwise

    bool ok() const { return task.has_value(); }
};

class TaskCommands : public QObject
{
    Q_OBJECT

public:
    explicit TaskCommands(TaskStore *store, QObject *parent = nullptr);

    CommandOutcome cancel(const QString &taskId);
    CommandOutcome retry(const QString &taskId);

signals:
    void taskChanged(const hookme::Task &task);

private:
    CommandOutcome changed(const QString &taskId);

    TaskStore *m_store;
};

} // namespace hookme
