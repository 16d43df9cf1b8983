#include "settings.h"

#include "webhooksignature.h"
#include "monitorsocketname.h"

#include <QDir>

#include <limits>

using namespace Qt::StringLiterals;

namespace hookme {

QString toString(IssuesState state)
{
    switch (state) {
    case IssuesState::Open:
        return u"open"_s;
    case IssuesState::Closed:
        return u"closed"_s;
    case IssuesState::All:
        return u"all"_s;
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(RetryBackoff backoff)
{
    return backoff == RetryBackoff::Fixed ? u"fixed"_s : u"exponential"_s;
}

QString Settings::databasePath() const
{
    return QDir(dataDir).filePath(u"hookme.db"_s);
}

namespace {

// A value as it may appear inside the one-line error: control characters are escaped, so a
// value cannot break the line or fake another log line.
QString quoted(const QString &value)
{
    QString text;
    for (const QChar c : value) {
        if (c == u'\n')
            text += u"\\n"_s;
        else if (c == u'\r')
            text += u"\\r"_s;
        else if (c == u'\t')
            text += u"\\t"_s;
        else if (c.category() == QChar::Other_Control)
            text += u"\\u%1"_s.arg(uint(c.unicode()), 4, 16, QChar(u'0'));
        else
            text += c;
    }
    return u'"' + text + u'"';
}

// Reads the settings one by one; the first problem wins and ends the reading.
class EnvironmentReader
{
public:
    explicit EnvironmentReader(const QProcessEnvironment &environment)
        : m_environment(environment)
    {
    }

    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void readInteger(const QString &name, qint64 minimum, qint64 maximum, qint64 *target)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        bool ok = false;
        const qint64 number = text->toLongLong(&ok);
        if (!ok || number < minimum || number > maximum) {
            fail(name, u"must be a whole number from %1 to %2, got %3"_s
                               .arg(minimum).arg(maximum).arg(quoted(*text)));
            return;
        }
        *target = number;
    }

    void readInteger(const QString &name, int minimum, int maximum, int *target)
    {
        qint64 wide = *target;
        readInteger(name, qint64(minimum), qint64(maximum), &wide);
        *target = int(wide);
    }

    void readHttpUrl(const QString &name, bool required, QUrl *target)
    {
        const std::optional<QString> text = value(name);
        if (!text) {
            if (required && !failed())
                fail(name, u"is required (the http or https URL that receives reports)"_s);
            return;
        }
        const QUrl url(*text, QUrl::StrictMode);
        const QString scheme = url.scheme();
        if (!url.isValid() || (scheme != "http"_L1 && scheme != "https"_L1)
            || url.host().isEmpty()) {
            fail(name, u"must be an absolute http or https URL, got %1"_s.arg(quoted(*text)));
            return;
        }
        *target = url;
    }

    void readBoolean(const QString &name, bool *target)
    {
        const std::optional<QString> text = value(name);
        if (!text)
            return;
        const QString lower = text->toLower();
        if (lower == "true"_L1 || lower == "1"_L1) {
            *target = true;
        } else if (lower == "false"_L1 || lower == "0"_L1) {
            *target = false;
        } else {
            fail(name, u"must be true or false, got %1"_s.arg(quoted(*text)));
        }
    }

    std::optional<QString> value(const QString &name) const
    {
        if (failed() || !m_environment.contains(name))
            return std::nullopt;
        const QString text = m_environment.value(name).trimmed();
        if (text.isEmpty())
            return std::nullopt;
        return text;
    }

    void fail(const QString &name, const QString &message)
    {
        if (!failed())
            m_error = u"%1 %2"_s.arg(name, message);
    }

private:
    const QProcessEnvironment &m_environment;
    QString m_error;
};

} // namespace

std::optional<Settings> Settings::fromEnvironment(const QProcessEnvironment &environment,
                                                  QString *error, Purpose purpose)
{
    constexpr qint64 maxIntervalMs = qint64(365) * 24 * 3600 * 1000;
    constexpr qint64 maxTimeoutMs = 3'600'000;
    constexpr int maxInt = std::numeric_limits<int>::max();

    Settings settings;
    EnvironmentReader reader(environment);

    reader.readInteger(u"SCHEDULE_INTERVAL"_s, 0, maxIntervalMs, &settings.scheduleIntervalMs);
    reader.readInteger(u"RESCHEDULE_INTERVAL"_s, 0, maxIntervalMs,
                       &settings.rescheduleIntervalMs);
    reader.readInteger(u"RETRY_MAX_ATTEMPTS"_s, 0, 1000, &settings.retryMaxAttempts);
    reader.readHttpUrl(u"WEBHOOK_URL"_s, purpose == Purpose::Service, &settings.webhookUrl);
    reader.readHttpUrl(u"API_URL"_s, false, &settings.apiUrl);
    if (const auto token = reader.value(u"API_TOKEN"_s))
        settings.apiToken = *token;

    reader.readInteger(u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, -1, maxInt,
                       &settings.maxSimultaneousJobs);
    if (settings.maxSimultaneousJobs == 0) {
        reader.fail(u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s,
                    u"must be -1 (no cap) or a positive number, got \"0\""_s);
    }
    reader.readInteger(u"WORKER_CONCURRENCY"_s, 1, 1000, &settings.workerConcurrency);

    if (const auto state = reader.value(u"ISSUES_STATE"_s)) {
        if (*state == "open"_L1)
            settings.issuesState = IssuesState::Open;
        else if (*state == "closed"_L1)
            settings.issuesState = IssuesState::Closed;
        else if (*state == "all"_L1)
            settings.issuesState = IssuesState::All;
        else
            reader.fail(u"ISSUES_STATE"_s,
                        u"must be open, closed or all, got %1"_s.arg(quoted(*state)));
    }

    if (const auto address = reader.value(u"LISTEN_ADDRESS"_s)) {
        if (!settings.listenAddress.setAddress(*address)) {
            reader.fail(u"LISTEN_ADDRESS"_s,
                        u"must be an IPv4 or IPv6 address, got %1"_s.arg(quoted(*address)));
        }
    }
    int port = settings.port;
    reader.readInteger(u"PORT"_s, 0, 65535, &port);  // 0: any free port (tests)
    settings.port = quint16(port);

    if (const auto dataDir = reader.value(u"DATA_DIR"_s))
        settings.dataDir = *dataDir;
    reader.readInteger(u"NAME_CACHE_TTL"_s, 0, maxIntervalMs, &settings.nameCacheTtlMs);
    reader.readInteger(u"GITHUB_TIMEOUT"_s, 1, maxTimeoutMs, &settings.githubTimeoutMs);
    reader.readInteger(u"WEBHOOK_TIMEOUT"_s, 1, maxTimeoutMs, &settings.webhookTimeoutMs);
    reader.readBoolean(u"CONTRIBUTORS_ANON"_s, &settings.includeAnonymousContributors);
    reader.readInteger(u"GITHUB_MAX_CONCURRENCY"_s, 1, 100, &settings.githubMaxConcurrency);
    reader.readInteger(u"GITHUB_QUOTA_RESERVE"_s, 0, 1'000'000, &settings.githubQuotaReserve);

    // The secret's value never appears in the error: it is a credential.
    if (const auto secret = reader.value(u"WEBHOOK_SECRET"_s)) {
        QString problem;
        if (const auto keys = WebhookSignature::parseSecrets(*secret, &problem))
            settings.webhookSecrets = *keys;
        else
            reader.fail(u"WEBHOOK_SECRET"_s, problem);
    }
    if (const auto backoff = reader.value(u"RETRY_BACKOFF"_s)) {
        if (*backoff == "fixed"_L1)
            settings.retryBackoff = RetryBackoff::Fixed;
        else if (*backoff == "exponential"_L1)
            settings.retryBackoff = RetryBackoff::Exponential;
        else
            reader.fail(u"RETRY_BACKOFF"_s,
                        u"must be fixed or exponential, got %1"_s.arg(quoted(*backoff)));
    }
    reader.readInteger(u"RETRY_MAX_INTERVAL"_s, 1, maxIntervalMs, &settings.retryMaxIntervalMs);
    reader.readBoolean(u"WEBHOOK_NOTIFY_FAILURES"_s, &settings.notifyFailures);
    // The monitor finds the default from DATA_DIR the same way (common/monitorsocketname.h).
    settings.monitorSocket = monitor::defaultSocketName(settings.dataDir);
    if (const auto socket = reader.value(u"MONITOR_SOCKET"_s)) {
        const QString problem = monitor::socketNameProblem(*socket);
        if (problem.isEmpty())
            settings.monitorSocket = *socket;
        else
            reader.fail(u"MONITOR_SOCKET"_s, u"%1, got %2"_s.arg(problem, quoted(*socket)));
    }

    if (reader.failed()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return settings;
}

} // namespace hookme
