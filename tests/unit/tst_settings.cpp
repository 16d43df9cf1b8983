// Specification of how the service reads its settings from the environment
// (service/settings.h): the defaults, every setting parsed, and the one-line error that names
// the setting at fault.
#include "settings.h"
#include "testprinters.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using hookme::IssuesState;
using hookme::RetryBackoff;
using hookme::Settings;

namespace {

const QString webhookUrl = u"http://127.0.0.1:9000/hook"_s;

// An environment holding only the one required setting plus `extra`.
QProcessEnvironment environmentWith(const QList<std::pair<QString, QString>> &extra = {})
{
    QProcessEnvironment environment;
    environment.insert(u"WEBHOOK_URL"_s, webhookUrl);
    for (const auto &[name, value] : extra)
        environment.insert(name, value);
    return environment;
}

// The value of the integer setting that the environment variable `name` sets.
std::optional<qint64> integerSetting(const Settings &settings, const QString &name)
{
    const QHash<QString, qint64> values {
        { u"SCHEDULE_INTERVAL"_s, settings.scheduleIntervalMs },
        { u"RESCHEDULE_INTERVAL"_s, settings.rescheduleIntervalMs },
        { u"RETRY_MAX_ATTEMPTS"_s, settings.retryMaxAttempts },
        { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, settings.maxSimultaneousJobs },
        { u"WORKER_CONCURRENCY"_s, settings.workerConcurrency },
        { u"PORT"_s, settings.port },
        { u"NAME_CACHE_TTL"_s, settings.nameCacheTtlMs },
        { u"GITHUB_TIMEOUT"_s, settings.githubTimeoutMs },
        { u"WEBHOOK_TIMEOUT"_s, settings.webhookTimeoutMs },
        { u"RETRY_MAX_INTERVAL"_s, settings.retryMaxIntervalMs },
    };
    const auto found = values.constFind(name);
    return found == values.cend() ? std::nullopt : std::optional<qint64>(*found);
}

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void everySettingParsed();
    void ipv6ListenAddress();
    void valuesAreTrimmed();
    void blankValuesKeepTheDefault();
    void boundariesAccepted_data();
    void boundariesAccepted();
    void plainHttpUrls();
    void issuesState_data();
    void issuesState();
    void malformedValueNamesTheSetting_data();
    void malformedValueNamesTheSetting();
    void exactErrors_data();
    void exactErrors();
    void missingWebhookUrlFails();
    void firstProblemWins();
    void tokenNeverInTheError();
    void errorIsOneLine();
    void nullErrorPointerIsAllowed();
    void deliverySettings();
    void deliverySettingErrors_data();
    void deliverySettingErrors();
    void webhookSecretNeverInTheError_data();
    void webhookSecretNeverInTheError();
    void monitorSocketDefaultsToTheDataDirectory();
    void monitorSocketParsed();
    void malformedMonitorSocket_data();
    void malformedMonitorSocket();
};

void TestSettings::defaults()
{
    QString error;
    const std::optional<Settings> settings = Settings::fromEnvironment(environmentWith(), &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(error, QString());

    QCOMPARE(settings->scheduleIntervalMs, 10'800);
    QCOMPARE(settings->rescheduleIntervalMs, 5'000);
    QCOMPARE(settings->retryMaxAttempts, 3);
    QCOMPARE(settings->webhookUrl, QUrl(webhookUrl));
    QCOMPARE(settings->apiUrl, QUrl(u"https://api.github.com"_s));
    QCOMPARE(settings->apiToken, QString());
    QCOMPARE(settings->maxSimultaneousJobs, -1);
    QCOMPARE(settings->workerConcurrency, 4);
    COMPARE_NAMES(settings->issuesState, IssuesState::All);
    QCOMPARE(settings->listenAddress, QHostAddress(QHostAddress::Any));
    QCOMPARE(settings->port, quint16(4001));
    QCOMPARE(settings->dataDir, u"data"_s);
    QCOMPARE(settings->databasePath(), u"data/hookme.db"_s);
    QCOMPARE(settings->nameCacheTtlMs, 86'400'000);
    QCOMPARE(settings->githubTimeoutMs, 30'000);
    QCOMPARE(settings->webhookTimeoutMs, 15'000);
    QCOMPARE(settings->webhookSecrets, QList<QByteArray>());
    COMPARE_NAMES(settings->retryBackoff, RetryBackoff::Fixed);
    QCOMPARE(settings->retryMaxIntervalMs, 3'600'000);
    QCOMPARE(settings->notifyFailures, false);
}

void TestSettings::everySettingParsed()
{
    const QProcessEnvironment environment = environmentWith({
            { u"WEBHOOK_URL"_s, u"https://hooks.example.com/reports?key=1"_s },
            { u"SCHEDULE_INTERVAL"_s, u"60000"_s },
            { u"RESCHEDULE_INTERVAL"_s, u"250"_s },
            { u"RETRY_MAX_ATTEMPTS"_s, u"7"_s },
            { u"API_URL"_s, u"https://ghe.example.com/api/v3"_s },
            { u"API_TOKEN"_s, u"ghp_0123456789abcdef"_s },
            { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"25"_s },
            { u"WORKER_CONCURRENCY"_s, u"16"_s },
            { u"ISSUES_STATE"_s, u"closed"_s },
            { u"LISTEN_ADDRESS"_s, u"127.0.0.1"_s },
            { u"PORT"_s, u"8080"_s },
            { u"DATA_DIR"_s, u"/var/lib/hookme"_s },
            { u"NAME_CACHE_TTL"_s, u"3600000"_s },
            { u"GITHUB_TIMEOUT"_s, u"12000"_s },
            { u"WEBHOOK_TIMEOUT"_s, u"9000"_s },
    });

    QString error;
    const std::optional<Settings> settings = Settings::fromEnvironment(environment, &error);
    QVERIFY2(settings, qPrintable(error));

    QCOMPARE(settings->webhookUrl, QUrl(u"https://hooks.example.com/reports?key=1"_s));
    QCOMPARE(settings->scheduleIntervalMs, 60'000);
    QCOMPARE(settings->rescheduleIntervalMs, 250);
    QCOMPARE(settings->retryMaxAttempts, 7);
    QCOMPARE(settings->apiUrl, QUrl(u"https://ghe.example.com/api/v3"_s));
    QCOMPARE(settings->apiToken, u"ghp_0123456789abcdef"_s);
    QCOMPARE(settings->maxSimultaneousJobs, 25);
    QCOMPARE(settings->workerConcurrency, 16);
    COMPARE_NAMES(settings->issuesState, IssuesState::Closed);
    QCOMPARE(settings->listenAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(settings->port, quint16(8080));
    QCOMPARE(settings->dataDir, u"/var/lib/hookme"_s);
    QCOMPARE(settings->databasePath(), u"/var/lib/hookme/hookme.db"_s);
    QCOMPARE(settings->nameCacheTtlMs, 3'600'000);
    QCOMPARE(settings->githubTimeoutMs, 12'000);
    QCOMPARE(settings->webhookTimeoutMs, 9'000);
}

void TestSettings::ipv6ListenAddress()
{
    QString error;
    const auto settings = Settings::fromEnvironment(
            environmentWith({ { u"LISTEN_ADDRESS"_s, u"::1"_s } }), &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
}

void TestSettings::valuesAreTrimmed()
{
    QString error;
    const auto settings = Settings::fromEnvironment(
            environmentWith({ { u"PORT"_s, u"  8081\t"_s },
                              { u"API_TOKEN"_s, u" ghp_token \n"_s },
                              { u"ISSUES_STATE"_s, u" open "_s } }),
            &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->port, quint16(8081));
    QCOMPARE(settings->apiToken, u"ghp_token"_s);
    COMPARE_NAMES(settings->issuesState, IssuesState::Open);
}

void TestSettings::blankValuesKeepTheDefault()
{
    QString error;
    const auto settings = Settings::fromEnvironment(
            environmentWith({ { u"PORT"_s, QString() },
                              { u"API_URL"_s, u"   "_s },
                              { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, QString() } }),
            &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->port, quint16(4001));
    QCOMPARE(settings->apiUrl, QUrl(u"https://api.github.com"_s));
    QCOMPARE(settings->maxSimultaneousJobs, -1);
}

void TestSettings::boundariesAccepted_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");

    QTest::newRow("SCHEDULE_INTERVAL 0") << u"SCHEDULE_INTERVAL"_s << u"0"_s;
    QTest::newRow("SCHEDULE_INTERVAL one year")
            << u"SCHEDULE_INTERVAL"_s << u"31536000000"_s;
    QTest::newRow("RESCHEDULE_INTERVAL 0") << u"RESCHEDULE_INTERVAL"_s << u"0"_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS 0") << u"RETRY_MAX_ATTEMPTS"_s << u"0"_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS 1000") << u"RETRY_MAX_ATTEMPTS"_s << u"1000"_s;
    QTest::newRow("RATE_LIMIT -1") << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"-1"_s;
    QTest::newRow("RATE_LIMIT 1") << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"1"_s;
    QTest::newRow("RATE_LIMIT int max")
            << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"2147483647"_s;
    QTest::newRow("WORKER_CONCURRENCY 1") << u"WORKER_CONCURRENCY"_s << u"1"_s;
    QTest::newRow("WORKER_CONCURRENCY 1000") << u"WORKER_CONCURRENCY"_s << u"1000"_s;
    QTest::newRow("PORT 0 picks a free port") << u"PORT"_s << u"0"_s;
    QTest::newRow("PORT 1") << u"PORT"_s << u"1"_s;
    QTest::newRow("PORT 65535") << u"PORT"_s << u"65535"_s;
    QTest::newRow("NAME_CACHE_TTL 0") << u"NAME_CACHE_TTL"_s << u"0"_s;
    QTest::newRow("GITHUB_TIMEOUT 1") << u"GITHUB_TIMEOUT"_s << u"1"_s;
    QTest::newRow("WEBHOOK_TIMEOUT 1") << u"WEBHOOK_TIMEOUT"_s << u"1"_s;
}

void TestSettings::boundariesAccepted()
{
    QFETCH(QString, name);
    QFETCH(QString, value);

    QString error;
    const auto settings = Settings::fromEnvironment(environmentWith({ { name, value } }), &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(error, QString());
    QCOMPARE(integerSetting(*settings, name), std::optional<qint64>(value.toLongLong()));
}

void TestSettings::plainHttpUrls()
{
    QString error;
    const auto settings = Settings::fromEnvironment(
            environmentWith({ { u"WEBHOOK_URL"_s, u"http://receiver:8080/hook"_s },
                              { u"API_URL"_s, u"http://127.0.0.1:8081/"_s } }),
            &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->webhookUrl, QUrl(u"http://receiver:8080/hook"_s));
    QCOMPARE(settings->apiUrl, QUrl(u"http://127.0.0.1:8081/"_s));
}

void TestSettings::issuesState_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<IssuesState>("state");
    QTest::addColumn<QString>("queryValue");

    QTest::newRow("open") << u"open"_s << IssuesState::Open << u"open"_s;
    QTest::newRow("closed") << u"closed"_s << IssuesState::Closed << u"closed"_s;
    QTest::newRow("all") << u"all"_s << IssuesState::All << u"all"_s;
}

void TestSettings::issuesState()
{
    QFETCH(QString, value);
    QFETCH(IssuesState, state);
    QFETCH(QString, queryValue);

    QString error;
    const auto settings = Settings::fromEnvironment(
            environmentWith({ { u"ISSUES_STATE"_s, value } }), &error);
    QVERIFY2(settings, qPrintable(error));
    COMPARE_NAMES(settings->issuesState, state);
    QCOMPARE(hookme::toString(settings->issuesState), queryValue);
}

void TestSettings::malformedValueNamesTheSetting_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");

    QTest::newRow("SCHEDULE_INTERVAL word") << u"SCHEDULE_INTERVAL"_s << u"soon"_s;
    QTest::newRow("SCHEDULE_INTERVAL unit") << u"SCHEDULE_INTERVAL"_s << u"10800ms"_s;
    QTest::newRow("SCHEDULE_INTERVAL fraction") << u"SCHEDULE_INTERVAL"_s << u"1.5"_s;
    QTest::newRow("SCHEDULE_INTERVAL exponent") << u"SCHEDULE_INTERVAL"_s << u"1e3"_s;
    QTest::newRow("SCHEDULE_INTERVAL hex") << u"SCHEDULE_INTERVAL"_s << u"0x10"_s;
    QTest::newRow("SCHEDULE_INTERVAL negative") << u"SCHEDULE_INTERVAL"_s << u"-1"_s;
    QTest::newRow("SCHEDULE_INTERVAL over a year")
            << u"SCHEDULE_INTERVAL"_s << u"31536000001"_s;
    QTest::newRow("SCHEDULE_INTERVAL overflows 64 bits")
            << u"SCHEDULE_INTERVAL"_s << u"99999999999999999999"_s;
    QTest::newRow("RESCHEDULE_INTERVAL negative") << u"RESCHEDULE_INTERVAL"_s << u"-5000"_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS word") << u"RETRY_MAX_ATTEMPTS"_s << u"three"_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS 1001") << u"RETRY_MAX_ATTEMPTS"_s << u"1001"_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS negative") << u"RETRY_MAX_ATTEMPTS"_s << u"-1"_s;
    QTest::newRow("WEBHOOK_URL no scheme") << u"WEBHOOK_URL"_s << u"example.com/hook"_s;
    QTest::newRow("WEBHOOK_URL ftp") << u"WEBHOOK_URL"_s << u"ftp://example.com/hook"_s;
    QTest::newRow("WEBHOOK_URL no host") << u"WEBHOOK_URL"_s << u"http:///hook"_s;
    QTest::newRow("WEBHOOK_URL relative") << u"WEBHOOK_URL"_s << u"/hook"_s;
    QTest::newRow("WEBHOOK_URL space in host") << u"WEBHOOK_URL"_s << u"http://exa mple.com/"_s;
    QTest::newRow("WEBHOOK_URL open bracket") << u"WEBHOOK_URL"_s << u"http://[::1/hook"_s;
    QTest::newRow("API_URL file") << u"API_URL"_s << u"file:///etc/passwd"_s;
    QTest::newRow("API_URL word") << u"API_URL"_s << u"github"_s;
    QTest::newRow("RATE_LIMIT zero") << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"0"_s;
    QTest::newRow("RATE_LIMIT -2") << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"-2"_s;
    QTest::newRow("RATE_LIMIT over int")
            << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"2147483648"_s;
    QTest::newRow("RATE_LIMIT word") << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"none"_s;
    QTest::newRow("WORKER_CONCURRENCY zero") << u"WORKER_CONCURRENCY"_s << u"0"_s;
    QTest::newRow("WORKER_CONCURRENCY 1001") << u"WORKER_CONCURRENCY"_s << u"1001"_s;
    QTest::newRow("ISSUES_STATE unknown") << u"ISSUES_STATE"_s << u"opened"_s;
    QTest::newRow("ISSUES_STATE list") << u"ISSUES_STATE"_s << u"open,closed"_s;
    QTest::newRow("LISTEN_ADDRESS host name") << u"LISTEN_ADDRESS"_s << u"localhost"_s;
    QTest::newRow("LISTEN_ADDRESS bad octet") << u"LISTEN_ADDRESS"_s << u"256.0.0.1"_s;
    QTest::newRow("PORT 65536") << u"PORT"_s << u"65536"_s;
    QTest::newRow("PORT negative") << u"PORT"_s << u"-80"_s;
    QTest::newRow("PORT word") << u"PORT"_s << u"http"_s;
    QTest::newRow("NAME_CACHE_TTL negative") << u"NAME_CACHE_TTL"_s << u"-1"_s;
    QTest::newRow("GITHUB_TIMEOUT zero") << u"GITHUB_TIMEOUT"_s << u"0"_s;
    QTest::newRow("WEBHOOK_TIMEOUT zero") << u"WEBHOOK_TIMEOUT"_s << u"0"_s;
    QTest::newRow("WEBHOOK_TIMEOUT word") << u"WEBHOOK_TIMEOUT"_s << u"15s"_s;
}

void TestSettings::malformedValueNamesTheSetting()
{
    QFETCH(QString, name);
    QFETCH(QString, value);

    QString error;
    const auto settings = Settings::fromEnvironment(environmentWith({ { name, value } }), &error);
    QVERIFY(!settings);
    QVERIFY2(error.startsWith(name + u' '), qPrintable(error));
    QVERIFY2(error.contains(u'"' + value + u'"'), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

void TestSettings::exactErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("PORT out of range")
            << u"PORT"_s << u"70000"_s
            << u"PORT must be a whole number from 0 to 65535, got \"70000\""_s;
    QTest::newRow("RETRY_MAX_ATTEMPTS not a number")
            << u"RETRY_MAX_ATTEMPTS"_s << u"3x"_s
            << u"RETRY_MAX_ATTEMPTS must be a whole number from 0 to 1000, got \"3x\""_s;
    QTest::newRow("SCHEDULE_INTERVAL negative")
            << u"SCHEDULE_INTERVAL"_s << u"-1"_s
            << u"SCHEDULE_INTERVAL must be a whole number from 0 to 31536000000, got \"-1\""_s;
    QTest::newRow("RATE_LIMIT zero")
            << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s << u"0"_s
            << u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS must be -1 (no cap) or a positive number,"
               " got \"0\""_s;
    QTest::newRow("ISSUES_STATE unknown")
            << u"ISSUES_STATE"_s << u"any"_s
            << u"ISSUES_STATE must be open, closed or all, got \"any\""_s;
    QTest::newRow("WEBHOOK_URL wrong scheme")
            << u"WEBHOOK_URL"_s << u"ftp://example.com/hook"_s
            << u"WEBHOOK_URL must be an absolute http or https URL,"
               " got \"ftp://example.com/hook\""_s;
    QTest::newRow("LISTEN_ADDRESS host name")
            << u"LISTEN_ADDRESS"_s << u"localhost"_s
            << u"LISTEN_ADDRESS must be an IPv4 or IPv6 address, got \"localhost\""_s;
}

void TestSettings::exactErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, error);

    QString actual;
    QVERIFY(!Settings::fromEnvironment(environmentWith({ { name, value } }), &actual));
    QCOMPARE(actual, error);
}

void TestSettings::missingWebhookUrlFails()
{
    const QString expected =
            u"WEBHOOK_URL is required (the http or https URL that receives reports)"_s;

    QString error;
    QVERIFY(!Settings::fromEnvironment(QProcessEnvironment(), &error));
    QCOMPARE(error, expected);

    QProcessEnvironment blank;
    blank.insert(u"WEBHOOK_URL"_s, u"  "_s);
    error.clear();
    QVERIFY(!Settings::fromEnvironment(blank, &error));
    QCOMPARE(error, expected);
}

void TestSettings::firstProblemWins()
{
    // Settings are read in a fixed order; only the first problem is reported.
    QString error;
    QVERIFY(!Settings::fromEnvironment(
            environmentWith({ { u"SCHEDULE_INTERVAL"_s, u"x"_s }, { u"PORT"_s, u"y"_s } }),
            &error));
    QCOMPARE(error, u"SCHEDULE_INTERVAL must be a whole number from 0 to 31536000000, got \"x\""_s);
}

void TestSettings::tokenNeverInTheError()
{
    const QString token = u"ghp_SuperSecretToken0123456789abcdefABCD"_s;
    const QList<std::pair<QString, QString>> malformed {
        { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"0"_s },
        { u"RATE_LIMIT_MAX_SIMULTANEOUS_JOBS"_s, u"lots"_s },
        { u"WORKER_CONCURRENCY"_s, u"0"_s },
        { u"ISSUES_STATE"_s, u"some"_s },
        { u"PORT"_s, u"abc"_s },
        { u"API_URL"_s, u"ftp://x"_s },
        { u"WEBHOOK_TIMEOUT"_s, u"-3"_s },
    };
    for (const auto &[name, value] : malformed) {
        QString error;
        QVERIFY(!Settings::fromEnvironment(
                environmentWith({ { u"API_TOKEN"_s, token }, { name, value } }), &error));
        QVERIFY2(error.startsWith(name), qPrintable(error));
        QVERIFY2(!error.contains(u"SuperSecret"_s), qPrintable(name));
    }
}

void TestSettings::errorIsOneLine()
{
    // The error is documented as one line; a value with a line break must not split it.
    QString error;
    QVERIFY(!Settings::fromEnvironment(
            environmentWith({ { u"PORT"_s, u"80\nLISTEN_ADDRESS ok"_s } }), &error));
    QVERIFY2(error.startsWith(u"PORT "_s), qPrintable(error));
    QVERIFY2(!error.contains(u'\n') && !error.contains(u'\r'), qPrintable(error));
}

void TestSettings::nullErrorPointerIsAllowed()
{
    QVERIFY(!Settings::fromEnvironment(environmentWith({ { u"PORT"_s, u"x"_s } }), nullptr));
    QVERIFY(Settings::fromEnvironment(environmentWith(), nullptr));
}

void TestSettings::deliverySettings()
{
    const QProcessEnvironment environment = environmentWith({
            { u"WEBHOOK_SECRET"_s,
              u"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
              " whsec_YW5vdGhlciBzZWNyZXQgb2YgMjQgYnl0ZXM="_s },
            { u"RETRY_BACKOFF"_s, u"exponential"_s },
            { u"RETRY_MAX_INTERVAL"_s, u"60000"_s },
            { u"WEBHOOK_NOTIFY_FAILURES"_s, u"true"_s },
    });

    QString error;
    const std::optional<Settings> settings = Settings::fromEnvironment(environment, &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->webhookSecrets,
             (QList<QByteArray> { QByteArray::fromBase64("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                                  QByteArray("another secret of 24 bytes") }));
    COMPARE_NAMES(settings->retryBackoff, RetryBackoff::Exponential);
    QCOMPARE(settings->retryMaxIntervalMs, 60'000);
    QCOMPARE(settings->notifyFailures, true);

    for (const auto &[value, expected] : { std::pair { u"false"_s, false },
                                           std::pair { u"0"_s, false },
                                           std::pair { u"1"_s, true } }) {
        const auto parsed = Settings::fromEnvironment(
                environmentWith({ { u"WEBHOOK_NOTIFY_FAILURES"_s, value } }), &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->notifyFailures, expected);
    }
    const auto fixed = Settings::fromEnvironment(
            environmentWith({ { u"RETRY_BACKOFF"_s, u"fixed"_s } }), &error);
    QVERIFY2(fixed, qPrintable(error));
    COMPARE_NAMES(fixed->retryBackoff, RetryBackoff::Fixed);
}

void TestSettings::deliverySettingErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("RETRY_BACKOFF unknown")
            << u"RETRY_BACKOFF"_s << u"linear"_s
            << u"RETRY_BACKOFF must be fixed or exponential, got \"linear\""_s;
    QTest::newRow("RETRY_MAX_INTERVAL zero")
            << u"RETRY_MAX_INTERVAL"_s << u"0"_s
            << u"RETRY_MAX_INTERVAL must be a whole number from 1 to 31536000000, got \"0\""_s;
    QTest::newRow("RETRY_MAX_INTERVAL unit")
            << u"RETRY_MAX_INTERVAL"_s << u"1h"_s
            << u"RETRY_MAX_INTERVAL must be a whole number from 1 to 31536000000, got \"1h\""_s;
    QTest::newRow("WEBHOOK_NOTIFY_FAILURES yes")
            << u"WEBHOOK_NOTIFY_FAILURES"_s << u"yes"_s
            << u"WEBHOOK_NOTIFY_FAILURES must be true or false, got \"yes\""_s;
    QTest::newRow("WEBHOOK_SECRET raw")
            << u"WEBHOOK_SECRET"_s << u"hunter2-hunter2-hunter2"_s
            << u"WEBHOOK_SECRET must be in the format whsec_<base64>; the secret is not"
               " (the value is not shown)"_s;
}

void TestSettings::deliverySettingErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, error);

    QString actual;
    QVERIFY(!Settings::fromEnvironment(environmentWith({ { name, value } }), &actual));
    QCOMPARE(actual, error);
}

void TestSettings::webhookSecretNeverInTheError_data()
{
    QTest::addColumn<QString>("value");

    QTest::newRow("raw") << u"s3cr3t-raw-webhook-value"_s;
    QTest::newRow("bad base64") << u"whsec_s3cr3t!webhook!value"_s;
    QTest::newRow("too short") << u"whsec_czNjcjN0"_s;
    QTest::newRow("three") << u"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                              " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                              " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"_s;
}

void TestSettings::webhookSecretNeverInTheError()
{
    QFETCH(QString, value);

    QString error;
    QVERIFY(!Settings::fromEnvironment(environmentWith({ { u"WEBHOOK_SECRET"_s, value } }),
                                       &error));
    QVERIFY2(error.startsWith(u"WEBHOOK_SECRET "_s), qPrintable(error));
    QVERIFY2(!error.contains(u"s3cr3t"_s), qPrintable(error));
    QVERIFY2(!error.contains(u"czNjcjN0"_s), qPrintable(error));
    QVERIFY2(!error.contains(u"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"_s), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

void TestSettings::monitorSocketDefaultsToTheDataDirectory()
{
    const auto defaults = Settings::fromEnvironment(environmentWith(), nullptr);
    QVERIFY(defaults);
    QCOMPARE(defaults->monitorSocket, QDir(u"data"_s).absoluteFilePath(u"monitor.sock"_s));

    const auto elsewhere = Settings::fromEnvironment(
            environmentWith({ { u"DATA_DIR"_s, u"/var/lib/hookme"_s },
                              { u"MONITOR_SOCKET"_s, u"  "_s } }),
            nullptr);
    QVERIFY(elsewhere);
    QCOMPARE(elsewhere->monitorSocket, u"/var/lib/hookme/monitor.sock"_s);
}

void TestSettings::monitorSocketParsed()
{
    for (const QString &name : { u"hookme-monitor"_s, u"/run/hookme/monitor.sock"_s }) {
        QString error;
        const auto settings = Settings::fromEnvironment(
                environmentWith({ { u"MONITOR_SOCKET"_s, name } }), &error);
        QVERIFY2(settings, qPrintable(error));
        QCOMPARE(settings->monitorSocket, name);
    }
}

void TestSettings::malformedMonitorSocket_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("directory") << u"/run/hookme/"_s
                               << u"MONITOR_SOCKET must name a socket file, not a directory,"
                                  " got \"/run/hookme/\""_s;
    QTest::newRow("control character")
            << u"mon\u0001itor"_s
            << u"MONITOR_SOCKET must not contain control characters, got \"mon\\u0001itor\""_s;
    const QString tooLong = u"/run/"_s + QString(100, u'm');
    QTest::newRow("too long") << tooLong
                              << u"MONITOR_SOCKET is too long for a local socket: its path has"
                                 " 105 bytes, at most 100 fit, got \"%1\""_s.arg(tooLong);
}

void TestSettings::malformedMonitorSocket()
{
    QFETCH(QString, value);
    QFETCH(QString, error);

    QString actual;
    QVERIFY(!Settings::fromEnvironment(environmentWith({ { u"MONITOR_SOCKET"_s, value } }),
                                       &actual));
    QCOMPARE(actual, error);
}

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
