#include "apiserver.h"

#include "apierror.h"
#include "boundedtcpserver.h"
#include "githubnames.h"
#include "taskcommands.h"
#include "taskintake.h"
#include "taskstore.h"

#include <QDateTime>
#include <QHttpServerRouterRule>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <memory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHttp, "hookme.http", QtInfoMsg)

namespace hookme {

namespace {

using Method = QHttpServerRequest::Method;
using StatusCode = QHttpServerResponse::StatusCode;

constexpr int defaultPageSize = 20;
constexpr int maxPageSize = 100;

// Registered last, it takes every request that no route took, so that unknown paths and
// wrong methods get JSON errors rather than QHttpServer's empty 404.
class UnmatchedRequestRule : public QHttpServerRouterRule
{
public:
    using QHttpServerRouterRule::QHttpServerRouterRule;

protected:
    bool matches(const QHttpServerRequest &, QRegularExpressionMatch *) const override
    {
        return true;
    }
};

QJsonValue timestamp(std::optional<qint64> msSinceEpoch)
{
    if (!msSinceEpoch)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(*msSinceEpoch, Qt::UTC)
            .toString(Qt::ISODateWithMs);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject taskJson(const Task &task, int maxAttempts)
{
    return {
        { u"id"_s, task.id },
        { u"state"_s, toString(task.state) },
        { u"owner"_s, task.owner },
        { u"repository"_s, task.repository },
        { u"created_at"_s, timestamp(task.createdAtMs) },
        { u"updated_at"_s, timestamp(task.updatedAtMs) },
        { u"next_run_at"_s, timestamp(task.state == TaskState::Scheduled
                                               || task.state == TaskState::Retrying
                                       ? task.nextRunAtMs
                                       : std::nullopt) },
        { u"finished_at"_s, timestamp(task.finishedAtMs) },
        { u"attempts_made"_s, task.attemptsMade },
        { u"max_attempts"_s, maxAttempts },
        { u"last_error"_s, textOrNull(task.lastError) },
        { u"collect_failures"_s, task.collectFailures },
        { u"delivery_failures"_s, task.deliveryFailures },
        { u"rate_limited_until"_s,
          timestamp(task.state == TaskState::Running ? std::nullopt : task.rateLimitedUntilMs) },
        { u"github_requests"_s, task.githubRequests },
        { u"github_quota_requests"_s, task.githubQuotaRequests },
    };
}

QJsonObject attemptJson(const Attempt &attempt)
{
    return {
        { u"number"_s, attempt.number },
        { u"started_at"_s, timestamp(attempt.startedAtMs) },
        { u"finished_at"_s, timestamp(attempt.finishedAtMs) },
        { u"stage"_s, toString(attempt.stage) },
        { u"outcome"_s, toString(attempt.outcome) },
        { u"http_status"_s, attempt.httpStatus ? QJsonValue(*attempt.httpStatus)
                                               : QJsonValue(QJsonValue::Null) },
        { u"error"_s, textOrNull(attempt.error) },
        { u"duration_ms"_s, attempt.finishedAtMs - attempt.startedAtMs },
        { u"response_body"_s, textOrNull(attempt.responseBody) },
    };
}

QHttpServerResponse jsonResponse(const QJsonObject &body, StatusCode status = StatusCode::Ok)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

ApiError storeUnavailable(const QString &detail)
{
    return { 503, u"store_unavailable"_s, u"the task store failed: %1"_s.arg(detail), {} };
}

bool isJsonContentType(const QByteArray &contentType)
{
    const QByteArray mediaType = contentType.split(';').first().trimmed().toLower();
    return mediaType == "application/json";
}

// Reads {"username": "...", "repository": "..."}; on a problem, the error to answer.
std::optional<ApiError> readTaskRequest(const QHttpServerRequest &request, QString *owner,
                                        QString *repository)
{
    if (!isJsonContentType(request.value("Content-Type"))) {
        return ApiError { 415, u"unsupported_media_type"_s,
                          u"send the body as Content-Type: application/json"_s, {} };
    }
    if (request.body().size() > ApiServer::maxBodyBytes)
        return ApiError::payloadTooLarge(ApiServer::maxBodyBytes);

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return ApiError::badRequest(u"invalid_json"_s,
                                    u"the body is not valid JSON: %1 at offset %2"_s
                                            .arg(parseError.errorString())
                                            .arg(parseError.offset));
    }
    if (!document.isObject()) {
        return ApiError::badRequest(u"invalid_body"_s,
                                    u"the body must be a JSON object with \"username\" and"
                                    " \"repository\""_s);
    }

    const QJsonObject body = document.object();
    for (const QString &field : { u"username"_s, u"repository"_s }) {
        if (!body.contains(field)) {
            return ApiError::badRequest(u"missing_field"_s, u"\"%1\" is required"_s.arg(field),
                                        field);
        }
        if (!body.value(field).isString()) {
            return ApiError::badRequest(u"invalid_field"_s,
                                        u"\"%1\" must be a string"_s.arg(field), field);
        }
    }

    *owner = body.value("username"_L1).toString();
    *repository = body.value("repository"_L1).toString();
    if (!isValidGitHubLogin(*owner)) {
        return ApiError::badRequest(u"invalid_field"_s,
                                    u"\"username\" must be a GitHub login: letters, digits and"
                                    " single inner hyphens, at most 39 characters"_s,
                                    u"username"_s);
    }
    if (!isValidRepositoryName(*repository)) {
        return ApiError::badRequest(u"invalid_field"_s,
                                    u"\"repository\" must be a GitHub repository name: letters,"
                                    " digits, '.', '-' and '_', at most 100 characters, not"
                                    " '.' or '..'"_s,
                                    u"repository"_s);
    }
    return std::nullopt;
}

std::optional<int> positiveInteger(const QUrlQuery &query, const QString &name, int fallback,
                                   int maximum)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int value = query.queryItemValue(name).toInt(&ok);
    if (!ok || value < 1 || value > maximum)
        return std::nullopt;
    return value;
}

} // namespace

ApiServer::ApiServer(TaskStore *store, TaskIntake *intake, TaskCommands *commands,
                     const Settings &settings, QObject *parent)
    : QObject(parent),
      m_store(store),
      m_intake(intake),
      m_commands(commands),
      m_settings(settings),
      m_tcpServer(new BoundedTcpServer({ maxBodyBytes }, this))
{
    m_server.route(u"/health"_s, Method::Get,
                   [] { return jsonResponse({ { u"status"_s, u"ok"_s } }); });
    m_server.route(u"/tasks"_s, Method::Post,
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       createTask(request, std::move(responder));
                   });
    m_server.route(u"/tasks"_s, Method::Get,
                   [this](const QHttpServerRequest &request) { return listTasks(request); });
    m_server.route(u"/tasks/<arg>"_s, Method::Get,
                   [this](const QString &id) { return getTask(id); });
    m_server.route(u"/tasks/<arg>"_s, Method::Delete,
                   [this](const QString &id) { return cancelTask(id); });
    m_server.route(u"/tasks/<arg>/retry"_s, Method::Post,
                   [this](const QString &id) { return retryTask(id); });
    m_server.route<UnmatchedRequestRule>(
            u"/"_s, [this](const QHttpServerRequest &request) { return unmatched(request); });
}

bool ApiServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_tcpServer->listen(address, port))
        return false;
    m_server.bind(m_tcpServer);
    return true;
}

quint16 ApiServer::port() const
{
    return m_tcpServer->serverPort();
}

QString ApiServer::errorString() const
{
    return m_tcpServer->errorString();
}

void ApiServer::createTask(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    QString owner;
    QString repository;
    if (const std::optional<ApiError> error = readTaskRequest(request, &owner, &repository)) {
        error->toResponse().write(std::move(responder));
        return;
    }

    // The answer comes once the batch holding this request is committed. The client may be
    // gone by then, and writing to a deleted socket crashes QHttpServer 6.4: check first.
    QPointer<QTcpSocket> socket = responder.socket();
    auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
    const int maxAttempts = m_settings.retryMaxAttempts + 1;

    m_intake->submit(owner, repository, [socket, pending, maxAttempts](const IntakeDecision &d) {
        if (!socket)
            return;

        QHttpServerResponse response(StatusCode::Ok);
        switch (d.kind) {
        case IntakeDecision::Kind::Created: {
            QJsonObject body = taskJson(d.task, maxAttempts);
            body.insert(u"deduplicated"_s, false);
            response = jsonResponse(body, StatusCode::Accepted);
            response.setHeader("Location", "/tasks/" + d.task.id.toLatin1());
            qCDebug(lcHttp).noquote() << u"accepted task %1 for %2/%3"_s.arg(
                    d.task.id, d.task.owner, d.task.repository);
            break;
        }
        case IntakeDecision::Kind::Deduplicated: {
            QJsonObject body = taskJson(d.task, maxAttempts);
            body.insert(u"deduplicated"_s, true);
            response = jsonResponse(body);
            response.setHeader("Location", "/tasks/" + d.task.id.toLatin1());
            break;
        }
        case IntakeDecision::Kind::Throttled:
            response = ApiError { 429, u"too_many_tasks"_s,
                                  u"the cap of simultaneous tasks is reached; try again later"_s,
                                  {} }
                               .toResponse();
            response.setHeader("Retry-After", QByteArray::number(d.retryAfterSeconds));
            break;
        case IntakeDecision::Kind::Unavailable:
            response = storeUnavailable(d.error).toResponse();
            break;
        }
        response.write(std::move(*pending));
    });
}

QHttpServerResponse ApiServer::getTask(const QString &id)
{
    const std::optional<Task> task = m_store->task(id);
    if (!task)
        return ApiError::notFound(u"no task with id \"%1\""_s.arg(id)).toResponse();

    const std::optional<QList<Attempt>> attempts = m_store->attempts(id);
    if (!attempts)
        return storeUnavailable(m_store->lastError()).toResponse();

    QJsonObject body = taskJson(*task, m_settings.retryMaxAttempts + 1);
    QJsonArray attemptList;
    for (const Attempt &attempt : *attempts)
        attemptList.append(attemptJson(attempt));
    body.insert(u"attempts"_s, attemptList);
    return jsonResponse(body);
}

// Both commands go through TaskCommands, which holds the rules and the errors, so that the
// HTTP API and the monitor answer alike.
QHttpServerResponse ApiServer::retryTask(const QString &id)
{
    const CommandOutcome outcome = m_commands->retry(id);
    if (!outcome.ok())
        return outcome.error.toResponse();

    QHttpServerResponse response = jsonResponse(
            taskJson(*outcome.task, m_settings.retryMaxAttempts + 1), StatusCode::Accepted);
    response.setHeader("Location", "/tasks/" + id.toLatin1());
    return response;
}

QHttpServerResponse ApiServer::cancelTask(const QString &id)
{
    const CommandOutcome outcome = m_commands->cancel(id);
    if (!outcome.ok())
        return outcome.error.toResponse();
    return jsonResponse(taskJson(*outcome.task, m_settings.retryMaxAttempts + 1));
}

QHttpServerResponse ApiServer::listTasks(const QHttpServerRequest &request)
{
    const QUrlQuery query(request.url());

    std::optional<TaskState> state;
    if (query.hasQueryItem(u"state"_s)) {
        state = taskStateFromString(query.queryItemValue(u"state"_s));
        if (!state) {
            return ApiError::badRequest(u"invalid_parameter"_s,
                                        u"state must be one of: %1"_s.arg(
                                                allTaskStateNames().join(u", "_s)),
                                        u"state"_s)
                    .toResponse();
        }
    }
    const std::optional<int> page = positiveInteger(query, u"page"_s, 1, 1'000'000);
    const std::optional<int> perPage =
            positiveInteger(query, u"per_page"_s, defaultPageSize, maxPageSize);
    if (!page || !perPage) {
        return ApiError::badRequest(u"invalid_parameter"_s,
                                    u"page must be a positive number and per_page a number from"
                                    " 1 to %1"_s.arg(maxPageSize),
                                    !page ? u"page"_s : u"per_page"_s)
                .toResponse();
    }

    const std::optional<TaskPage> tasks =
            m_store->listTasks(state, *perPage, (*page - 1) * *perPage);
    if (!tasks)
        return storeUnavailable(m_store->lastError()).toResponse();

    QJsonArray list;
    for (const Task &task : tasks->tasks)
        list.append(taskJson(task, m_settings.retryMaxAttempts + 1));
    return jsonResponse({ { u"tasks"_s, list },
                          { u"page"_s, *page },
                          { u"per_page"_s, *perPage },
                          { u"total"_s, tasks->total } });
}

QHttpServerResponse ApiServer::unmatched(const QHttpServerRequest &request)
{
    const QString path = request.url().path();
    QByteArray allowed;
    if (path == "/tasks"_L1)
        allowed = "GET, POST";
    else if (path == "/health"_L1)
        allowed = "GET";
    else if (path.startsWith("/tasks/"_L1) && path.count(u'/') == 2 && path.size() > 7)
        allowed = "GET, DELETE";
    else if (path.startsWith("/tasks/"_L1) && path.endsWith("/retry"_L1) && path.count(u'/') == 3
             && path.size() > 13)
        allowed = "POST";

    if (allowed.isEmpty())
        return ApiError::notFound(u"no such path: %1"_s.arg(path)).toResponse();

    QHttpServerResponse response =
            ApiError { 405, u"method_not_allowed"_s,
                       u"%1 accepts %2"_s.arg(path, QString::fromLatin1(allowed)), {} }
                    .toResponse();
    response.setHeader("Allow", allowed);
    return response;
}

} // namespace hookme
