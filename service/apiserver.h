// The HTTP API on PORT:
//   POST /tasks        {"username": "...", "repository": "..."}: 202 with the new task,
//                      200 with the unfinished task it duplicates, 429 when throttled
//   GET  /tasks        newest first; ?state=...&page=1&per_page=20
//   GET  /tasks/{id}   one task with every attempt
//   DELETE /tasks/{id} cancels a scheduled or retrying task (TaskCommands::cancel)
//   POST /tasks/{id}/retry  requeues a failed task (TaskCommands::retry)
//   GET  /health       liveness
// Route handlers only read the request, call the core and map its outcome to a response.
// Errors have the one shape that ApiError writes.
#pragma once

#include "settings.h"

#include <QHttpServer>
#include <QObject>

namespace hookme {

class BoundedTcpServer;
class TaskCommands;
class TaskIntake;
class TaskStore;

class ApiServer : public QObject
{
    Q_OBJECT

public:
    // The largest accepted request body.
    static constexpr qint64 maxBodyBytes = 64 * 1024;

    // `commands` carries out retry and cancel; the scheduler wakes on its taskChanged().
    ApiServer(TaskStore *store, TaskIntake *intake, TaskCommands *commands,
              const Settings &settings, QObject *parent = nullptr);

    // Listens on the address and port; port 0 picks a free one. Returns false on failure.
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;

private:
    void createTask(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    QHttpServerResponse getTask(const QString &id);
    QHttpServerResponse retryTask(const QString &id);
    QHttpServerResponse cancelTask(const QString &id);
    QHttpServerResponse listTasks(const QHttpServerRequest &request);
    QHttpServerResponse unmatched(const QHttpServerRequest &request);

    TaskStore *m_store;
    TaskIntake *m_intake;
    TaskCommands *m_commands;
    Settings m_settings;
    QHttpServer m_server;
    BoundedTcpServer *m_tcpServer;
};

} // namespace hookme
