// Specification of when retries come (service/retrypolicy.h): the fixed default, the
// exponential backoff with its jitter and cap, and Retry-After in both of its forms.
#include "retrypolicy.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;
using hookme::RetryBackoff;
using hookme::RetryPolicy;
using hookme::Settings;

namespace {

RetryPolicy policy(RetryBackoff backoff, qint64 intervalMs, qint64 maxIntervalMs)
{
    Settings settings;
    settings.retryBackoff = backoff;
    settings.rescheduleIntervalMs = intervalMs;
    settings.retryMaxIntervalMs = maxIntervalMs;
    return RetryPolicy(settings);
}

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private slots:
    void fixedWaitsTheIntervalEveryTime();
    void exponentialDoublesWithJitter_data();
    void exponentialDoublesWithJitter();
    void exponentialIsCapped();
    void retryAfterMovesTheRetryLater();
    void retryAfterIsCapped();
    void parsesRetryAfter_data();
    void parsesRetryAfter();
};

void TestRetryPolicy::fixedWaitsTheIntervalEveryTime()
{
    const RetryPolicy fixed = policy(RetryBackoff::Fixed, 5'000, 3'600'000);
    for (int failures = 1; failures <= 10; ++failures) {
        QCOMPARE(fixed.delayMs(failures, 0.0), 5'000);
        QCOMPARE(fixed.delayMs(failures, 1.0), 5'000);  // no jitter: the meaning stays
    }
}

void TestRetryPolicy::exponentialDoublesWithJitter_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<double>("jitter");
    QTest::addColumn<qint64>("delay");

    QTest::newRow("1st, no jitter") << 1 << 0.5 << qint64(1'000);
    QTest::newRow("2nd, no jitter") << 2 << 0.5 << qint64(2'000);
    QTest::newRow("3rd, no jitter") << 3 << 0.5 << qint64(4'000);
    QTest::newRow("5th, no jitter") << 5 << 0.5 << qint64(16'000);
    QTest::newRow("1st, -20%") << 1 << 0.0 << qint64(800);
    QTest::newRow("1st, +20%") << 1 << 1.0 << qint64(1'200);
    QTest::newRow("3rd, -20%") << 3 << 0.0 << qint64(3'200);
    QTest::newRow("3rd, +20%") << 3 << 1.0 << qint64(4'800);
    QTest::newRow("3rd, +10%") << 3 << 0.75 << qint64(4'400);
}

void TestRetryPolicy::exponentialDoublesWithJitter()
{
    QFETCH(int, failures);
    QFETCH(double, jitter);
    QFETCH(qint64, delay);

    QCOMPARE(policy(RetryBackoff::Exponential, 1'000, 3'600'000).delayMs(failures, jitter), delay);
}

void TestRetryPolicy::exponentialIsCapped()
{
    const RetryPolicy exponential = policy(RetryBackoff::Exponential, 1'000, 10'000);
    QCOMPARE(exponential.delayMs(4, 0.5), 8'000);
    QCOMPARE(exponential.delayMs(4, 1.0), 9'600);
    QCOMPARE(exponential.delayMs(5, 0.0), 10'000);  // 12,800 after jitter, capped
    QCOMPARE(exponential.delayMs(5, 1.0), 10'000);
    QCOMPARE(exponential.delayMs(1'000, 1.0), 10'000);  // no overflow, however many failures
}

void TestRetryPolicy::retryAfterMovesTheRetryLater()
{
    const RetryPolicy fixed = policy(RetryBackoff::Fixed, 1'000, 3'600'000);
    QCOMPARE(fixed.delayMs(1, 0.5, 30'000), 30'000);
    QCOMPARE(fixed.delayMs(1, 0.5, 200), 1'000);  // never sooner than the schedule
    QCOMPARE(fixed.delayMs(1, 0.5, 0), 1'000);

    const RetryPolicy exponential = policy(RetryBackoff::Exponential, 1'000, 3'600'000);
    QCOMPARE(exponential.delayMs(3, 0.5, 2'500), 4'000);
    QCOMPARE(exponential.delayMs(3, 0.5, 60'000), 60'000);
}

void TestRetryPolicy::retryAfterIsCapped()
{
    const RetryPolicy fixed = policy(RetryBackoff::Fixed, 1'000, 120'000);
    QCOMPARE(fixed.delayMs(1, 0.5, 86'400'000), 120'000);
}

void TestRetryPolicy::parsesRetryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<std::optional<qint64>>("delay");

    QTest::newRow("seconds") << QByteArray("120") << std::optional<qint64>(120'000);
    QTest::newRow("zero") << QByteArray("0") << std::optional<qint64>(0);
    QTest::newRow("padded") << QByteArray(" 7 ") << std::optional<qint64>(7'000);
    // Now is 2015-10-21T07:27:30Z in these rows.
    QTest::newRow("HTTP date") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT")
                               << std::optional<qint64>(30'000);
    QTest::newRow("HTTP date passed") << QByteArray("Wed, 21 Oct 2015 07:00:00 GMT")
                                      << std::optional<qint64>(0);
    QTest::newRow("negative") << QByteArray("-5") << std::optional<qint64>();
    QTest::newRow("fraction") << QByteArray("1.5") << std::optional<qint64>();
    QTest::newRow("words") << QByteArray("soon") << std::optional<qint64>();
    QTest::newRow("empty") << QByteArray() << std::optional<qint64>();
    QTest::newRow("date without zone") << QByteArray("Wed, 21 Oct 2015 07:28:00")
                                       << std::optional<qint64>();
    QTest::newRow("impossible date") << QByteArray("Wed, 31 Feb 2015 07:28:00 GMT")
                                     << std::optional<qint64>();
}

void TestRetryPolicy::parsesRetryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(std::optional<qint64>, delay);

    const qint64 now = QDateTime(QDate(2015, 10, 21), QTime(7, 27, 30), Qt::UTC)
                               .toMSecsSinceEpoch();
    QCOMPARE(RetryPolicy::parseRetryAfter(value, now), delay);
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
