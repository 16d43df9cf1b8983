// A task as the store keeps it: one request for one repository's report, with its history.
#pragma once

#include "taskstate.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace hookme {

// Which part of an attempt ended it.
enum class AttemptStage { Collect, Deliver };
QString toString(AttemptStage stage);

// How an attempt ended: Succeeded (delivered), Retry (another attempt is scheduled) or
// Failed (no further attempt).
enum class AttemptOutcome { Succeeded, Retry, Failed };
QString toString(AttemptOutcome outcome);

struct Attempt {
    int number = 0;  // 1 for the first try
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    AttemptStage stage = AttemptStage::Collect;
    AttemptOutcome outcome = AttemptOutcome::Succeeded;
    std::optional<int> httpStatus;  // of the request that decided the outcome, if any
    QString error;                  // empty on success
    QString responseBody;           // the start of the webhook's answer (at most 1 KiB of it)
    std::optional<int> githubRequests;  // GitHub requests it made; not stored, live only
};

struct Task {
    QString id;          // a UUID
    QString owner;       // as the client gave it
    QString repository;  // as the client gave it
    TaskState state = TaskState::Scheduled;
    int attemptsMade = 0;  // finished attempts; an attempt cut off by a crash is not counted
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> nextRunAtMs;  // when a scheduled or retrying task becomes due
    std::optional<qint64> finishedAtMs;
    QString lastError;
    bool hasReport = false;  // the collected report is stored; a retry only delivers it
    // Failed attempts per stage since the task was (re)queued; together they use up its
    // RETRY_MAX_ATTEMPTS retries.
    int collectFailures = 0;
    int deliveryFailures = 0;
    int githubRequests = 0;       // GitHub requests made for this task, all attempts
    int githubQuotaRequests = 0;  // of those, the ones that counted against the quota
    std::optional<qint64> rateLimitedUntilMs;  // waiting for GitHub's rate limit until then
};

} // namespace hookme
