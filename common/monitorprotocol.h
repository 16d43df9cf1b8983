// The monitor protocol: what the service (MonitorServer) and a monitor (hookme-monitor, or any
// other client) say to each other over a local socket. docs/monitor-protocol.md specifies it;
// this is the one implementation of its messages.
//
// Every message is one line: a compact JSON object with "type" and "v" (protocolVersion),
// then '\n'. Guarantees:
//   - decode(encode(m)) == m for every message m (times at millisecond precision);
//   - encode() never puts a '\n' anywhere but at the end (JSON escapes it inside strings);
//   - decode() tells an unknown "type" (UnknownType: skip it, a newer peer may send it) from
//     a malformed message (every other DecodeError kind), and never accepts a message of
//     another protocol version.
#pragma once

#include "taskstate.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>
#include <variant>

namespace hookme::monitor {

// Bumped only for changes an old peer would misread; new fields and new message types are
// added without a bump, and receivers ignore what they do not know.
inline constexpr int protocolVersion = 1;

// The longest line a monitor accepts from the service ('\n' not counted). The snapshot is the
// longest message; the service caps the rows it holds to stay well below this.
inline constexpr qsizetype maxServiceLineBytes = 4 * 1024 * 1024;
// The longest line the service accepts from a monitor: commands are short.
inline constexpr qsizetype maxCommandLineBytes = 16 * 1024;

// A task as the monitor sees it: the HTTP API's task fields, plus a rate-limit wait.
struct TaskInfo {
    QString id;
    QString owner;
    QString repository;
    TaskState state = TaskState::Scheduled;
    int attemptsMade = 0;
    int maxAttempts = 0;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> nextRunAtMs;
    std::optional<qint64> finishedAtMs;
    QString lastError;                     // empty: none ("last_error": null)
    std::optional<qint64> waitingUntilMs;  // waiting for GitHub's rate limit until then
    std::optional<int> githubRequests;       // GitHub requests made for it, all attempts
    std::optional<int> githubQuotaRequests;  // of those, the ones that counted against the quota

    bool operator==(const TaskInfo &) const = default;
};

// One finished attempt of a task, as GET /tasks/<id> shows it.
struct AttemptInfo {
    int number = 0;
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    QString stage;    // "collect" or "deliver"
    QString outcome;  // "succeeded", "retry" or "failed"
    std::optional<int> httpStatus;
    QString error;                      // empty on success
    std::optional<int> githubRequests;  // known for attempts the service saw end live

    bool operator==(const AttemptInfo &) const = default;
};

// A request folded into an unfinished task for the same repository (an HTTP 200).
struct FoldedRequest {
    qint64 atMs = 0;
    QString owner;       // as the request spelled it
    QString repository;  // as the request spelled it
    TaskInfo task;       // the task it was folded into, at that moment

    bool operator==(const FoldedRequest &) const = default;
};

// A request refused because RATE_LIMIT_MAX_SIMULTANEOUS_JOBS tasks were unfinished (a 429).
struct ThrottledRequest {
    qint64 atMs = 0;
    QString owner;
    QString repository;
    int cap = 0;
    qint64 retryAfterSeconds = 0;

    bool operator==(const ThrottledRequest &) const = default;
};

// GitHub's rate limit as its last answer told it. Each field may be absent.
struct RateLimit {
    std::optional<qint64> remaining;
    std::optional<qint64> limit;
    std::optional<qint64> resetAtMs;
    qint64 observedAtMs = 0;

    bool operator==(const RateLimit &) const = default;
};

// Deduplicated and throttled count requests since the service started; the others count
// tasks in the store.
struct Counters {
    qint64 active = 0;  // scheduled, running and retrying
    qint64 deduplicated = 0;
    qint64 throttled = 0;
    qint64 delivered = 0;
    qint64 failed = 0;
    qint64 cancelled = 0;

    bool operator==(const Counters &) const = default;
};

// Requests per minute over the last hour, oldest minute first. Every list has one entry per
// minute from firstMinuteMs on (the list sizes are equal).
struct ActivityHistory {
    qint64 firstMinuteMs = 0;  // a multiple of 60000
    QList<int> accepted;
    QList<int> delivered;
    QList<int> failed;
    QList<int> throttled;

    bool operator==(const ActivityHistory &) const = default;
};

struct ServerInfo {
    QString version;
    qint64 pid = 0;
    qint64 startedAtMs = 0;
    int maxAttempts = 0;
    int maxSimultaneousJobs = -1;  // -1: no cap

    bool operator==(const ServerInfo &) const = default;
};

// --- Service -> monitor.

// The first message on every connection: the state that later events change.
struct Snapshot {
    ServerInfo server;
    QList<TaskInfo> tasks;  // unfinished ones, then recently finished ones
    qint64 omittedTasks = 0;  // tasks left out to bound the message
    QList<FoldedRequest> deduplicated;  // recent, oldest first
    QList<ThrottledRequest> throttled;  // recent, oldest first
    Counters counters;
    std::optional<RateLimit> rateLimit;  // absent until GitHub has answered once
    ActivityHistory history;

    bool operator==(const Snapshot &) const = default;
};

struct TaskAccepted {
    TaskInfo task;
    bool operator==(const TaskAccepted &) const = default;
};

struct RequestDeduplicated {
    FoldedRequest request;
    bool operator==(const RequestDeduplicated &) const = default;
};

struct RequestThrottled {
    ThrottledRequest request;
    bool operator==(const RequestThrottled &) const = default;
};

// A task changed state or schedule (an attempt started, a command acted on it, ...).
struct TaskStateChanged {
    TaskInfo task;
    bool operator==(const TaskStateChanged &) const = default;
};

// An attempt ended and its outcome is stored; `task` is the task after it.
struct AttemptFinished {
    TaskInfo task;
    AttemptInfo attempt;
    bool operator==(const AttemptFinished &) const = default;
};

struct RateLimitChanged {
    RateLimit rateLimit;
    bool operator==(const RateLimitChanged &) const = default;
};

// A task waits for GitHub's rate limit to reset before its next request.
struct RateLimitWait {
    QString taskId;
    qint64 waitingUntilMs = 0;
    bool operator==(const RateLimitWait &) const = default;
};

struct CountersChanged {
    Counters counters;
    bool operator==(const CountersChanged &) const = default;
};

// The HTTP API's error shape: {"status": 409, "code": "task_running", "message": "..."}.
struct ErrorInfo {
    int status = 0;
    QString code;
    QString message;
    bool operator==(const ErrorInfo &) const = default;
};

// The answer to one Command, matched by requestId.
struct CommandResult {
    QString requestId;
    QString command;  // the command's type: "retry", "cancel" or "get_task"
    bool ok = false;
    std::optional<TaskInfo> task;  // ok: the task after the command
    QList<AttemptInfo> attempts;   // ok, for get_task: every attempt
    ErrorInfo error;               // not ok: why

    bool operator==(const CommandResult &) const = default;
};

// The service could not use a line the monitor sent.
struct ProtocolError {
    QString code;  // "invalid_message", "unknown_type", "line_too_long", ...
    QString message;
    bool operator==(const ProtocolError &) const = default;
};

// --- Monitor -> service.

enum class CommandKind { Retry, Cancel, GetTask };

struct Command {
    CommandKind kind = CommandKind::GetTask;
    QString requestId;  // chosen by the monitor, echoed in the result
    QString taskId;
    bool operator==(const Command &) const = default;
};

using Message = std::variant<Snapshot, TaskAccepted, RequestDeduplicated, RequestThrottled,
                             TaskStateChanged, AttemptFinished, RateLimitChanged, RateLimitWait,
                             CountersChanged, CommandResult, ProtocolError, Command>;

// The "type" of a message on the wire.
QString typeName(const Message &message);
QString typeName(CommandKind kind);

// One line: compact JSON and '\n'.
QByteArray encode(const Message &message);

struct DecodeError {
    enum class Kind {
        InvalidJson,         // not JSON, or not an object
        UnsupportedVersion,  // "v" missing or not protocolVersion
        UnknownType,         // a type this side does not know: skip the line
        InvalidField,        // a known type with a missing or malformed field
    };
    Kind kind = Kind::InvalidJson;
    QString type;     // the message's "type", when it has one
    QString message;  // for people and logs

    bool operator==(const DecodeError &) const = default;
};

struct DecodeResult {
    std::optional<Message> message;  // set on success
    DecodeError error;               // set otherwise

    bool ok() const { return message.has_value(); }
};

// Decodes one line, without its '\n'.
DecodeResult decode(QByteArrayView line);

// Times on the wire: ISO 8601 in UTC with milliseconds, "2026-12-03T16:34:55.622Z".
QString timestampText(qint64 msSinceEpoch);
std::optional<qint64> parseTimestamp(const QString &text);

} // namespace hookme::monitor
