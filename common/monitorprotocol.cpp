#include "monitorprotocol.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

using namespace Qt::StringLiterals;

namespace hookme::monitor {

namespace {

// --- Writing.

QJsonValue timeOrNull(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(timestampText(*ms)) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject toJson(const TaskInfo &task)
{
    QJsonObject object {
        { u"id"_s, task.id },
        { u"state"_s, toString(task.state) },
        { u"owner"_s, task.owner },
        { u"repository"_s, task.repository },
        { u"created_at"_s, timestampText(task.createdAtMs) },
        { u"updated_at"_s, timestampText(task.updatedAtMs) },
        { u"next_run_at"_s, timeOrNull(task.nextRunAtMs) },
        { u"finished_at"_s, timeOrNull(task.finishedAtMs) },
        { u"attempts_made"_s, task.attemptsMade },
        { u"max_attempts"_s, task.maxAttempts },
        { u"last_error"_s, textOrNull(task.lastError) },
    };
    if (task.waitingUntilMs)
        object.insert(u"waiting_until"_s, timestampText(*task.waitingUntilMs));
    if (task.githubRequests)
        object.insert(u"github_requests"_s, *task.githubRequests);
    if (task.githubQuotaRequests)
        object.insert(u"github_quota_requests"_s, *task.githubQuotaRequests);
    return object;
}

QJsonObject toJson(const AttemptInfo &attempt)
{
    QJsonObject object {
        { u"number"_s, attempt.number },
        { u"started_at"_s, timestampText(attempt.startedAtMs) },
        { u"finished_at"_s, timestampText(attempt.finishedAtMs) },
        { u"stage"_s, attempt.stage },
        { u"outcome"_s, attempt.outcome },
        { u"http_status"_s, attempt.httpStatus ? QJsonValue(*attempt.httpStatus)
                                               : QJsonValue(QJsonValue::Null) },
        { u"error"_s, textOrNull(attempt.error) },
    };
    if (attempt.githubRequests)
        object.insert(u"github_requests"_s, *attempt.githubRequests);
    return object;
}

QJsonObject toJson(const FoldedRequest &request)
{
    return { { u"at"_s, timestampText(request.atMs) },
             { u"owner"_s, request.owner },
             { u"repository"_s, request.repository },
             { u"task"_s, toJson(request.task) } };
}

QJsonObject toJson(const ThrottledRequest &request)
{
    return { { u"at"_s, timestampText(request.atMs) },
             { u"owner"_s, request.owner },
             { u"repository"_s, request.repository },
             { u"cap"_s, request.cap },
             { u"retry_after"_s, request.retryAfterSeconds } };
}

QJsonObject toJson(const RateLimit &rateLimit)
{
    QJsonObject object { { u"observed_at"_s, timestampText(rateLimit.observedAtMs) } };
    if (rateLimit.remaining)
        object.insert(u"remaining"_s, *rateLimit.remaining);
    if (rateLimit.limit)
        object.insert(u"limit"_s, *rateLimit.limit);
    if (rateLimit.resetAtMs)
        object.insert(u"reset_at"_s, timestampText(*rateLimit.resetAtMs));
    return object;
}

QJsonObject toJson(const Counters &counters)
{
    return { { u"active"_s, counters.active },
             { u"deduplicated"_s, counters.deduplicated },
             { u"throttled"_s, counters.throttled },
             { u"delivered"_s, counters.delivered },
             { u"failed"_s, counters.failed },
             { u"cancelled"_s, counters.cancelled } };
}

QJsonArray toJson(const QList<int> &numbers)
{
    QJsonArray array;
    for (const int number : numbers)
        array.append(number);
    return array;
}

QJsonObject toJson(const ActivityHistory &history)
{
    return { { u"first_minute"_s, timestampText(history.firstMinuteMs) },
             { u"accepted"_s, toJson(history.accepted) },
             { u"delivered"_s, toJson(history.delivered) },
             { u"failed"_s, toJson(history.failed) },
             { u"throttled"_s, toJson(history.throttled) } };
}

QJsonObject toJson(const ServerInfo &server)
{
    return { { u"version"_s, server.version },
             { u"pid"_s, server.pid },
             { u"started_at"_s, timestampText(server.startedAtMs) },
             { u"max_attempts"_s, server.maxAttempts },
             { u"max_simultaneous_jobs"_s, server.maxSimultaneousJobs } };
}

template<typename T>
QJsonArray arrayOf(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(toJson(item));
    return array;
}

// The fields of each message, without "type" and "v".
struct BodyWriter {
    QJsonObject operator()(const Snapshot &m) const
    {
        QJsonObject body { { u"server"_s, toJson(m.server) },
                           { u"tasks"_s, arrayOf(m.tasks) },
                           { u"omitted_tasks"_s, m.omittedTasks },
                           { u"deduplicated"_s, arrayOf(m.deduplicated) },
                           { u"throttled"_s, arrayOf(m.throttled) },
                           { u"counters"_s, toJson(m.counters) },
                           { u"history"_s, toJson(m.history) } };
        if (m.rateLimit)
            body.insert(u"rate_limit"_s, toJson(*m.rateLimit));
        return body;
    }
    QJsonObject operator()(const TaskAccepted &m) const
    {
        return { { u"task"_s, toJson(m.task) } };
    }
    QJsonObject operator()(const RequestDeduplicated &m) const { return toJson(m.request); }
    QJsonObject operator()(const RequestThrottled &m) const { return toJson(m.request); }
    QJsonObject operator()(const TaskStateChanged &m) const
    {
        return { { u"task"_s, toJson(m.task) } };
    }
    QJsonObject operator()(const AttemptFinished &m) const
    {
        return { { u"task"_s, toJson(m.task) }, { u"attempt"_s, toJson(m.attempt) } };
    }
    QJsonObject operator()(const RateLimitChanged &m) const { return toJson(m.rateLimit); }
    QJsonObject operator()(const RateLimitWait &m) const
    {
        return { { u"task_id"_s, m.taskId },
                 { u"waiting_until"_s, timestampText(m.waitingUntilMs) } };
    }
    QJsonObject operator()(const CountersChanged &m) const { return toJson(m.counters); }
    QJsonObject operator()(const CommandResult &m) const
    {
        QJsonObject body { { u"id"_s, m.requestId }, { u"command"_s, m.command },
                           { u"ok"_s, m.ok } };
        if (m.task)
            body.insert(u"task"_s, toJson(*m.task));
        if (m.command == "get_task"_L1 && m.ok)
            body.insert(u"attempts"_s, arrayOf(m.attempts));
        if (!m.ok) {
            body.insert(u"error"_s, QJsonObject { { u"status"_s, m.error.status },
                                                  { u"code"_s, m.error.code },
                                                  { u"message"_s, m.error.message } });
        }
        return body;
    }
    QJsonObject operator()(const ProtocolError &m) const
    {
        return { { u"code"_s, m.code }, { u"message"_s, m.message } };
    }
    QJsonObject operator()(const Command &m) const
    {
        return { { u"id"_s, m.requestId }, { u"task_id"_s, m.taskId } };
    }
};

struct TypeNamer {
    QString operator()(const Snapshot &) const { return u"snapshot"_s; }
    QString operator()(const TaskAccepted &) const { return u"task_accepted"_s; }
    QString operator()(const RequestDeduplicated &) const { return u"request_deduplicated"_s; }
    QString operator()(const RequestThrottled &) const { return u"request_throttled"_s; }
    QString operator()(const TaskStateChanged &) const { return u"task_state"_s; }
    QString operator()(const AttemptFinished &) const { return u"attempt"_s; }
    QString operator()(const RateLimitChanged &) const { return u"rate_limit"_s; }
    QString operator()(const RateLimitWait &) const { return u"rate_limit_wait"_s; }
    QString operator()(const CountersChanged &) const { return u"counters"_s; }
    QString operator()(const CommandResult &) const { return u"result"_s; }
    QString operator()(const ProtocolError &) const { return u"error"_s; }
    QString operator()(const Command &m) const { return typeName(m.kind); }
};

// --- Reading. Each reader records the first problem, by field path, and then fails.

class Fields
{
public:
    Fields(const QJsonObject &object, const QString &path, QString *problem)
        : m_object(object), m_path(path), m_problem(problem)
    {
    }

    bool text(const QString &key, QString *out, bool nullable = false)
    {
        const QJsonValue value = m_object.value(key);
        if (nullable && (value.isNull() || value.isUndefined())) {
            *out = QString();
            return true;
        }
        if (!value.isString())
            return fail(key, nullable ? u"must be a string or null"_s : u"must be a string"_s);
        *out = value.toString();
        return true;
    }

    bool integer(const QString &key, qint64 *out)
    {
        const QJsonValue value = m_object.value(key);
        // toInteger() falls back to its argument for anything but a whole number.
        if (!value.isDouble() || value.toInteger(0) != value.toInteger(1))
            return fail(key, u"must be a whole number"_s);
        *out = value.toInteger();
        return true;
    }

    bool integer(const QString &key, int *out)
    {
        qint64 wide = 0;
        if (!integer(key, &wide))
            return false;
        if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
            return fail(key, u"is out of range"_s);
        *out = int(wide);
        return true;
    }

    // Absent or null: nothing.
    template<typename Integer>
    bool optionalInteger(const QString &key, std::optional<Integer> *out)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isNull() || value.isUndefined()) {
            out->reset();
            return true;
        }
        Integer number = 0;
        if (!integer(key, &number))
            return false;
        *out = number;
        return true;
    }

    bool time(const QString &key, qint64 *out)
    {
        const QJsonValue value = m_object.value(key);
        const std::optional<qint64> ms = value.isString() ? parseTimestamp(value.toString())
                                                          : std::nullopt;
        if (!ms)
            return fail(key, u"must be an ISO 8601 UTC time with milliseconds"_s);
        *out = *ms;
        return true;
    }

    // Absent or null: nothing.
    bool optionalTime(const QString &key, std::optional<qint64> *out)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isNull() || value.isUndefined()) {
            out->reset();
            return true;
        }
        qint64 ms = 0;
        if (!time(key, &ms))
            return false;
        *out = ms;
        return true;
    }

    bool boolean(const QString &key, bool *out)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isBool())
            return fail(key, u"must be true or false"_s);
        *out = value.toBool();
        return true;
    }

    bool object(const QString &key, QJsonObject *out)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isObject())
            return fail(key, u"must be an object"_s);
        *out = value.toObject();
        return true;
    }

    bool array(const QString &key, QJsonArray *out)
    {
        const QJsonValue value = m_object.value(key);
        if (!value.isArray())
            return fail(key, u"must be an array"_s);
        *out = value.toArray();
        return true;
    }

    bool numbers(const QString &key, QList<int> *out)
    {
        QJsonArray array;
        if (!this->array(key, &array))
            return false;
        out->clear();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue value = array.at(i);
            if (!value.isDouble() || value.toInteger(0) != value.toInteger(1)
                || value.toInteger() < 0 || value.toInteger() > std::numeric_limits<int>::max())
                return fail(u"%1[%2]"_s.arg(key).arg(i), u"must be a whole number >= 0"_s);
            out->append(int(value.toInteger()));
        }
        return true;
    }

    bool fail(const QString &key, const QString &what)
    {
        if (m_problem->isEmpty())
            *m_problem = u"\"%1%2\" %3"_s.arg(m_path, key, what);
        return false;
    }

    QString path(const QString &key) const { return m_path + key + u'.'; }
    QString *problem() const { return m_problem; }

private:
    const QJsonObject &m_object;
    QString m_path;
    QString *m_problem;
};

bool read(const QJsonObject &object, const QString &path, QString *problem, TaskInfo *task)
{
    Fields fields(object, path, problem);
    QString state;
    if (!fields.text(u"id"_s, &task->id) || !fields.text(u"state"_s, &state))
        return false;
    const std::optional<TaskState> parsed = taskStateFromString(state);
    if (!parsed)
        return fields.fail(u"state"_s, u"is not a task state"_s);
    task->state = *parsed;
    return fields.text(u"owner"_s, &task->owner)
            && fields.text(u"repository"_s, &task->repository)
            && fields.time(u"created_at"_s, &task->createdAtMs)
            && fields.time(u"updated_at"_s, &task->updatedAtMs)
            && fields.optionalTime(u"next_run_at"_s, &task->nextRunAtMs)
            && fields.optionalTime(u"finished_at"_s, &task->finishedAtMs)
            && fields.integer(u"attempts_made"_s, &task->attemptsMade)
            && fields.integer(u"max_attempts"_s, &task->maxAttempts)
            && fields.text(u"last_error"_s, &task->lastError, true)
            && fields.optionalTime(u"waiting_until"_s, &task->waitingUntilMs)
            && fields.optionalInteger(u"github_requests"_s, &task->githubRequests)
            && fields.optionalInteger(u"github_quota_requests"_s, &task->githubQuotaRequests);
}

bool read(const QJsonObject &object, const QString &path, QString *problem, AttemptInfo *attempt)
{
    Fields fields(object, path, problem);
    return fields.integer(u"number"_s, &attempt->number)
            && fields.time(u"started_at"_s, &attempt->startedAtMs)
            && fields.time(u"finished_at"_s, &attempt->finishedAtMs)
            && fields.text(u"stage"_s, &attempt->stage)
            && fields.text(u"outcome"_s, &attempt->outcome)
            && fields.optionalInteger(u"http_status"_s, &attempt->httpStatus)
            && fields.text(u"error"_s, &attempt->error, true)
            && fields.optionalInteger(u"github_requests"_s, &attempt->githubRequests);
}

bool readTaskField(const QJsonObject &object, const QString &path, QString *problem,
                   const QString &key, TaskInfo *task)
{
    Fields fields(object, path, problem);
    QJsonObject nested;
    return fields.object(key, &nested) && read(nested, fields.path(key), problem, task);
}

bool read(const QJsonObject &object, const QString &path, QString *problem,
          FoldedRequest *request)
{
    Fields fields(object, path, problem);
    return fields.time(u"at"_s, &request->atMs) && fields.text(u"owner"_s, &request->owner)
            && fields.text(u"repository"_s, &request->repository)
            && readTaskField(object, path, problem, u"task"_s, &request->task);
}

bool read(const QJsonObject &object, const QString &path, QString *problem,
          ThrottledRequest *request)
{
    Fields fields(object, path, problem);
    return fields.time(u"at"_s, &request->atMs) && fields.text(u"owner"_s, &request->owner)
            && fields.text(u"repository"_s, &request->repository)
            && fields.integer(u"cap"_s, &request->cap)
            && fields.integer(u"retry_after"_s, &request->retryAfterSeconds);
}

bool read(const QJsonObject &object, const QString &path, QString *problem, RateLimit *rateLimit)
{
    Fields fields(object, path, problem);
    return fields.optionalInteger(u"remaining"_s, &rateLimit->remaining)
            && fields.optionalInteger(u"limit"_s, &rateLimit->limit)
            && fields.optionalTime(u"reset_at"_s, &rateLimit->resetAtMs)
            && fields.time(u"observed_at"_s, &rateLimit->observedAtMs);
}

bool read(const QJsonObject &object, const QString &path, QString *problem, Counters *counters)
{
    Fields fields(object, path, problem);
    return fields.integer(u"active"_s, &counters->active)
            && fields.integer(u"deduplicated"_s, &counters->deduplicated)
            && fields.integer(u"throttled"_s, &counters->throttled)
            && fields.integer(u"delivered"_s, &counters->delivered)
            && fields.integer(u"failed"_s, &counters->failed)
            && fields.integer(u"cancelled"_s, &counters->cancelled);
}

bool read(const QJsonObject &object, const QString &path, QString *problem,
          ActivityHistory *history)
{
    Fields fields(object, path, problem);
    if (!fields.time(u"first_minute"_s, &history->firstMinuteMs)
        || !fields.numbers(u"accepted"_s, &history->accepted)
        || !fields.numbers(u"delivered"_s, &history->delivered)
        || !fields.numbers(u"failed"_s, &history->failed)
        || !fields.numbers(u"throttled"_s, &history->throttled))
        return false;
    if (history->firstMinuteMs % 60'000 != 0)
        return fields.fail(u"first_minute"_s, u"must be the start of a minute"_s);
    const qsizetype size = history->accepted.size();
    if (history->delivered.size() != size || history->failed.size() != size
        || history->throttled.size() != size)
        return fields.fail(u"accepted"_s, u"and the other series must have equal lengths"_s);
    return true;
}

bool read(const QJsonObject &object, const QString &path, QString *problem, ServerInfo *server)
{
    Fields fields(object, path, problem);
    return fields.text(u"version"_s, &server->version)
            && fields.integer(u"pid"_s, &server->pid)
            && fields.time(u"started_at"_s, &server->startedAtMs)
            && fields.integer(u"max_attempts"_s, &server->maxAttempts)
            && fields.integer(u"max_simultaneous_jobs"_s, &server->maxSimultaneousJobs);
}

template<typename T>
bool readObject(const QJsonObject &object, const QString &path, QString *problem,
                const QString &key, T *out)
{
    Fields fields(object, path, problem);
    QJsonObject nested;
    return fields.object(key, &nested) && read(nested, fields.path(key), problem, out);
}

template<typename T>
bool readList(const QJsonObject &object, const QString &path, QString *problem,
              const QString &key, QList<T> *out)
{
    Fields fields(object, path, problem);
    QJsonArray array;
    if (!fields.array(key, &array))
        return false;
    out->clear();
    out->reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString itemPath = u"%1%2[%3]."_s.arg(path, key).arg(i);
        if (!array.at(i).isObject()) {
            Fields(object, path, problem).fail(u"%1[%2]"_s.arg(key).arg(i),
                                               u"must be an object"_s);
            return false;
        }
        T item;
        if (!read(array.at(i).toObject(), itemPath, problem, &item))
            return false;
        out->append(item);
    }
    return true;
}

std::optional<Message> readSnapshot(const QJsonObject &o, QString *problem)
{
    Snapshot m;
    Fields fields(o, {}, problem);
    if (!readObject(o, {}, problem, u"server"_s, &m.server)
        || !readList(o, {}, problem, u"tasks"_s, &m.tasks)
        || !fields.integer(u"omitted_tasks"_s, &m.omittedTasks)
        || !readList(o, {}, problem, u"deduplicated"_s, &m.deduplicated)
        || !readList(o, {}, problem, u"throttled"_s, &m.throttled)
        || !readObject(o, {}, problem, u"counters"_s, &m.counters)
        || !readObject(o, {}, problem, u"history"_s, &m.history))
        return std::nullopt;
    if (o.contains("rate_limit"_L1)) {
        RateLimit rateLimit;
        if (!readObject(o, {}, problem, u"rate_limit"_s, &rateLimit))
            return std::nullopt;
        m.rateLimit = rateLimit;
    }
    return m;
}

std::optional<Message> readResult(const QJsonObject &o, QString *problem)
{
    CommandResult m;
    Fields fields(o, {}, problem);
    if (!fields.text(u"id"_s, &m.requestId) || !fields.text(u"command"_s, &m.command)
        || !fields.boolean(u"ok"_s, &m.ok))
        return std::nullopt;
    if (o.contains("task"_L1)) {
        TaskInfo task;
        if (!readTaskField(o, {}, problem, u"task"_s, &task))
            return std::nullopt;
        m.task = task;
    }
    if (o.contains("attempts"_L1) && !readList(o, {}, problem, u"attempts"_s, &m.attempts))
        return std::nullopt;
    if (!m.ok) {
        QJsonObject error;
        if (!fields.object(u"error"_s, &error))
            return std::nullopt;
        Fields errorFields(error, u"error."_s, problem);
        if (!errorFields.integer(u"status"_s, &m.error.status)
            || !errorFields.text(u"code"_s, &m.error.code)
            || !errorFields.text(u"message"_s, &m.error.message))
            return std::nullopt;
    }
    return m;
}

std::optional<Message> readBody(const QString &type, const QJsonObject &o, QString *problem,
                                bool *known)
{
    *known = true;
    Fields fields(o, {}, problem);
    if (type == "snapshot"_L1)
        return readSnapshot(o, problem);
    if (type == "task_accepted"_L1) {
        TaskAccepted m;
        return readTaskField(o, {}, problem, u"task"_s, &m.task) ? std::optional<Message>(m)
                                                                 : std::nullopt;
    }
    if (type == "request_deduplicated"_L1) {
        RequestDeduplicated m;
        return read(o, {}, problem, &m.request) ? std::optional<Message>(m) : std::nullopt;
    }
    if (type == "request_throttled"_L1) {
        RequestThrottled m;
        return read(o, {}, problem, &m.request) ? std::optional<Message>(m) : std::nullopt;
    }
    if (type == "task_state"_L1) {
        TaskStateChanged m;
        return readTaskField(o, {}, problem, u"task"_s, &m.task) ? std::optional<Message>(m)
                                                                 : std::nullopt;
    }
    if (type == "attempt"_L1) {
        AttemptFinished m;
        return readTaskField(o, {}, problem, u"task"_s, &m.task)
                        && readObject(o, {}, problem, u"attempt"_s, &m.attempt)
                ? std::optional<Message>(m)
                : std::nullopt;
    }
    if (type == "rate_limit"_L1) {
        RateLimitChanged m;
        return read(o, {}, problem, &m.rateLimit) ? std::optional<Message>(m) : std::nullopt;
    }
    if (type == "rate_limit_wait"_L1) {
        RateLimitWait m;
        return fields.text(u"task_id"_s, &m.taskId)
                        && fields.time(u"waiting_until"_s, &m.waitingUntilMs)
                ? std::optional<Message>(m)
                : std::nullopt;
    }
    if (type == "counters"_L1) {
        CountersChanged m;
        return read(o, {}, problem, &m.counters) ? std::optional<Message>(m) : std::nullopt;
    }
    if (type == "result"_L1)
        return readResult(o, problem);
    if (type == "error"_L1) {
        ProtocolError m;
        return fields.text(u"code"_s, &m.code) && fields.text(u"message"_s, &m.message)
                ? std::optional<Message>(m)
                : std::nullopt;
    }
    for (const CommandKind kind :
         { CommandKind::Retry, CommandKind::Cancel, CommandKind::GetTask }) {
        if (type == typeName(kind)) {
            Command m;
            m.kind = kind;
            return fields.text(u"id"_s, &m.requestId) && fields.text(u"task_id"_s, &m.taskId)
                    ? std::optional<Message>(m)
                    : std::nullopt;
        }
    }
    *known = false;
    return std::nullopt;
}

DecodeResult failure(DecodeError::Kind kind, const QString &type, const QString &message)
{
    DecodeResult result;
    result.error = { kind, type, message };
    return result;
}

} // namespace

QString typeName(const Message &message)
{
    return std::visit(TypeNamer {}, message);
}

QString typeName(CommandKind kind)
{
    switch (kind) {
    case CommandKind::Retry:
        return u"retry"_s;
    case CommandKind::Cancel:
        return u"cancel"_s;
    case CommandKind::GetTask:
        return u"get_task"_s;
    }
    Q_UNREACHABLE();
    return {};
}

QByteArray encode(const Message &message)
{
    // "type" and "v" first, for people who read the stream (QJsonObject sorts its keys).
    const QByteArray body = QJsonDocument(std::visit(BodyWriter {}, message))
                                    .toJson(QJsonDocument::Compact);
    QByteArray line = "{\"type\":\"" + typeName(message).toUtf8() + "\",\"v\":"
            + QByteArray::number(protocolVersion);
    if (body.size() > 2)
        line += ',' + body.sliced(1, body.size() - 2);
    line += "}\n";
    return line;
}

DecodeResult decode(QByteArrayView line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return failure(DecodeError::Kind::InvalidJson, {},
                       u"not JSON: %1 at offset %2"_s.arg(parseError.errorString())
                               .arg(parseError.offset));
    }
    if (!document.isObject())
        return failure(DecodeError::Kind::InvalidJson, {}, u"not a JSON object"_s);

    const QJsonObject object = document.object();
    const QJsonValue type = object.value("type"_L1);
    const QString typeText = type.toString();
    const QJsonValue version = object.value("v"_L1);
    if (!version.isDouble() || version.toInteger(0) != version.toInteger(1)
        || version.toInteger() != protocolVersion) {
        const QString given = version.isDouble() ? QString::number(version.toDouble())
                : version.isUndefined()          ? u"(none)"_s
                                                 : u"(not a number)"_s;
        return failure(DecodeError::Kind::UnsupportedVersion, typeText,
                       u"protocol version %1 is not supported (this side speaks %2)"_s
                               .arg(given)
                               .arg(protocolVersion));
    }
    if (!type.isString() || typeText.isEmpty())
        return failure(DecodeError::Kind::InvalidField, {}, u"\"type\" must be a string"_s);

    QString problem;
    bool known = false;
    std::optional<Message> message = readBody(typeText, object, &problem, &known);
    if (!known) {
        return failure(DecodeError::Kind::UnknownType, typeText,
                       u"unknown message type \"%1\""_s.arg(typeText));
    }
    if (!message) {
        return failure(DecodeError::Kind::InvalidField, typeText,
                       u"%1: %2"_s.arg(typeText, problem));
    }
    DecodeResult result;
    result.message = std::move(message);
    return result;
}

QString timestampText(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<qint64> parseTimestamp(const QString &text)
{
    // Only the exact form timestampText() writes: a round trip must give the same time.
    if (!text.endsWith(u'Z'))
        return std::nullopt;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

} // namespace hookme::monitor
