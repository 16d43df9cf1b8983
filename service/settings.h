// Every setting of the service, read once from the environment at start-up.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <optional>

namespace hookme {

// Which issues are collected; GitHub's own `state` query parameter.
enum class IssuesState { Open, Closed, All };
QString toString(IssuesState state);

// How the wait before a retry grows: Fixed waits RESCHEDULE_INTERVAL every time; Exponential
// waits RESCHEDULE_INTERVAL x 2^n (n: earlier failures of the stage) with +-20% jitter.
enum class RetryBackoff { Fixed, Exponential };
QString toString(RetryBackoff backoff);

struct Settings {
    qint64 scheduleIntervalMs = 10'800;   // SCHEDULE_INTERVAL: accepted -> first attempt
    qint64 rescheduleIntervalMs = 5'000;  // RESCHEDULE_INTERVAL: failed attempt -> retry
    int retryMaxAttempts = 3;             // RETRY_MAX_ATTEMPTS: retries after the first try
    QUrl webhookUrl;                      // WEBHOOK_URL (required)
    QUrl apiUrl { QStringLiteral("https://api.github.com") };  // API_URL
    QString apiToken;                     // API_TOKEN; empty means anonymous. Never log it.
    int maxSimultaneousJobs = -1;         // RATE_LIMIT_MAX_SIMULTANEOUS_JOBS; -1: no cap
    int workerConcurrency = 4;            // WORKER_CONCURRENCY: attempts running at once
    IssuesState issuesState = IssuesState::All;  // ISSUES_STATE
    QHostAddress listenAddress { QHostAddress::Any };  // LISTEN_ADDRESS
    quint16 port = 4001;                  // PORT; 0 picks a free port, which the log names
    QString dataDir = QStringLiteral("data");  // DATA_DIR: holds hookme.db
    qint64 nameCacheTtlMs = 86'400'000;   // NAME_CACHE_TTL: how long display names are kept
    qint64 githubTimeoutMs = 30'000;      // GITHUB_TIMEOUT: per GitHub request
    qint64 webhookTimeoutMs = 15'000;     // WEBHOOK_TIMEOUT: per delivery
    // WEBHOOK_SECRET: the decoded keys ("whsec_<base64>", one or two); empty: unsigned.
    // Never log them.
    QList<QByteArray> webhookSecrets;
    RetryBackoff retryBackoff = RetryBackoff::Fixed;  // RETRY_BACKOFF
    qint64 retryMaxIntervalMs = 3'600'000;  // RETRY_MAX_INTERVAL: caps backoff and Retry-After
    bool notifyFailures = false;           // WEBHOOK_NOTIFY_FAILURES
    bool includeAnonymousContributors = false;  // CONTRIBUTORS_ANON
    int githubMaxConcurrency = 2;         // GITHUB_MAX_CONCURRENCY: GitHub requests at once
    int githubQuotaReserve = 10;          // GITHUB_QUOTA_RESERVE: left for others; no new
                                          // collection starts below it until the reset
    QString monitorSocket;  // MONITOR_SOCKET; fromEnvironment() sets the per-DATA_DIR default

    QString databasePath() const;

    // What the settings are read for: the service needs WEBHOOK_URL, a one-off collection
    // (`hookme collect`) does not.
    enum class Purpose { Service, Collection };

    // Reads the settings; on a missing or malformed value returns nothing and sets `error` to
    // one line that names the setting.
    static std::optional<Settings> fromEnvironment(const QProcessEnvironment &environment,
                                                   QString *error,
                                                   Purpose purpose = Purpose::Service);
};

} // namespace hookme
