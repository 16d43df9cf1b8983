// Specification of the webhook signatures (service/webhooksignature.h): the Standard Webhooks
// test vector, rotation with two secrets, the WEBHOOK_SECRET format, and every signature
// checked again by an independent implementation, the specification's reference library run
// by node (tests/signature-verifier).
#include "signatureverifier.h"
#include "webhooksignature.h"

#include <QTest>

using namespace Qt::StringLiterals;
using hookme::WebhookSignature;

namespace {

// The specification's own example (its reference libraries test against it).
const QByteArray vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const QByteArray vectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr qint64 vectorTimestamp = 1614265330;
const QByteArray vectorBody = R"({"test": 2432232314})";
const QByteArray vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const QByteArray secondSecret =
        "whsec_" + QByteArray("a second secret of 32 bytes!!!!!").toBase64();

QList<QByteArray> keysOf(const QString &setting)
{
    QString error;
    const auto keys = WebhookSignature::parseSecrets(setting, &error);
    if (!keys)
        qWarning().noquote() << "parseSecrets failed:" << error;
    return keys.value_or(QList<QByteArray>());
}

QList<QPair<QByteArray, QByteArray>> headers(const QByteArray &id, qint64 timestamp,
                                             const QByteArray &signature)
{
    return { { "webhook-id", id },
             { "webhook-timestamp", QByteArray::number(timestamp) },
             { "webhook-signature", signature } };
}

} // namespace

class TestWebhookSignature : public QObject
{
    Q_OBJECT

private slots:
    void specificationTestVector();
    void parsesOneAndTwoSecrets();
    void refusesMalformedSecrets_data();
    void refusesMalformedSecrets();
    void noSecretSignsNothing();
    void twoSecretsGiveTwoSignatures();

    void referenceLibraryVerifies_data();
    void referenceLibraryVerifies();
    void referenceLibraryRefusesTampering_data();
    void referenceLibraryRefusesTampering();
    void referenceLibraryVerifiesEitherRotatedSecret();
};

void TestWebhookSignature::specificationTestVector()
{
    const WebhookSignature signature(keysOf(QString::fromLatin1(vectorSecret)));
    QVERIFY(signature.isEnabled());
    QCOMPARE(signature.sign(vectorId, vectorTimestamp, vectorBody), vectorSignature);
    QCOMPARE(WebhookSignature::signWithKey(keysOf(QString::fromLatin1(vectorSecret)).first(),
                                           vectorId, vectorTimestamp, vectorBody),
             vectorSignature);
}

void TestWebhookSignature::parsesOneAndTwoSecrets()
{
    const QList<QByteArray> one = keysOf(QString::fromLatin1(vectorSecret));
    QCOMPARE(one.size(), 1);
    QCOMPARE(one.first(), QByteArray::fromBase64("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

    // Any white space separates the two; surrounding space is ignored.
    const QList<QByteArray> two =
            keysOf(u"  %1 \t %2 "_s.arg(QString::fromLatin1(vectorSecret),
                                       QString::fromLatin1(secondSecret)));
    QCOMPARE(two.size(), 2);
    QCOMPARE(two.at(0), one.first());
    QCOMPARE(two.at(1), QByteArray("a second secret of 32 bytes!!!!!"));
}

void TestWebhookSignature::refusesMalformedSecrets_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("error");

    QTest::newRow("raw string") << u"my-raw-secret-value-123456789"_s
                                << u"must be in the format whsec_<base64>; the secret is not"
                                   " (the value is not shown)"_s;
    QTest::newRow("bad base64") << u"whsec_***notbase64***"_s
                                << u"must be in the format whsec_<base64>; the secret is not"
                                   " valid base64 (the value is not shown)"_s;
    QTest::newRow("empty key") << u"whsec_"_s
                               << u"must be in the format whsec_<base64>; the secret is not"
                                  " valid base64 (the value is not shown)"_s;
    QTest::newRow("short key") << u"whsec_c2hvcnQ="_s
                               << u"must hold at least 16 bytes after base64 decoding; the"
                                  " secret has 5 (the value is not shown)"_s;
    QTest::newRow("second one raw")
            << QString::fromLatin1(vectorSecret + " raw-second-secret-value")
            << u"must be in the format whsec_<base64>; secret 2 of 2 is not"
               " (the value is not shown)"_s;
    QTest::newRow("three secrets")
            << QString::fromLatin1(vectorSecret + ' ' + vectorSecret + ' ' + vectorSecret)
            << u"must hold one secret, or two separated by a space for rotation, got 3"
               " (the value is not shown)"_s;
}

void TestWebhookSignature::refusesMalformedSecrets()
{
    QFETCH(QString, setting);
    QFETCH(QString, error);

    QString actual;
    QVERIFY(!WebhookSignature::parseSecrets(setting, &actual));
    QCOMPARE(actual, error);
    // A secret never reaches a message, even a wrong one.
    for (const QString &part : setting.split(u' ', Qt::SkipEmptyParts)) {
        if (part.size() > 8)
            QVERIFY2(!actual.contains(part.mid(6)), qPrintable(actual));
    }
}

void TestWebhookSignature::noSecretSignsNothing()
{
    const WebhookSignature none;
    QVERIFY(!none.isEnabled());
    QCOMPARE(none.secretCount(), 0);
    QCOMPARE(none.sign("id", 1, "{}"), QByteArray());
}

void TestWebhookSignature::twoSecretsGiveTwoSignatures()
{
    const WebhookSignature signature(
            keysOf(QString::fromLatin1(vectorSecret + ' ' + secondSecret)));
    QCOMPARE(signature.secretCount(), 2);

    const QByteArray header = signature.sign(vectorId, vectorTimestamp, vectorBody);
    const QList<QByteArray> parts = header.split(' ');
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts.at(0), vectorSignature);
    QVERIFY(parts.at(1).startsWith("v1,"));
    QVERIFY(parts.at(1) != vectorSignature);
    QCOMPARE(QByteArray::fromBase64(parts.at(1).mid(3)).size(), 32);  // an HMAC-SHA256
}

void TestWebhookSignature::referenceLibraryVerifies_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("a report") << QByteArray("5c0e8a3e-1b7f-4c55-9d1e-0a4f1f0e2b11")
                              << QByteArray(R"({"user":"octo-org","repository":"hello-world",)"
                                            R"("issues":[],"contributors":[]})");
    QTest::newRow("non-ASCII UTF-8")
            << QByteArray("msg-utf8")
            << QByteArray(R"({"title":"café ☕ 🚀 ドキュメント \"quoted\" \\ back"})");
    QTest::newRow("empty body") << QByteArray("msg-empty") << QByteArray();
    QTest::newRow("large body") << QByteArray("msg-large")
                                << QByteArray(R"({"issues":[)") + QByteArray(300'000, 'x')
                                           + QByteArray("]}");
}

void TestWebhookSignature::referenceLibraryVerifies()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, body);

    // The library refuses timestamps more than five minutes away: sign as of now.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const WebhookSignature signature(keysOf(QString::fromLatin1(vectorSecret)));
    const SignatureVerifier::Result result = SignatureVerifier::verify(
            vectorSecret, headers(id, now, signature.sign(id, now, body)), body);
    QVERIFY2(result.ran, qPrintable(result.error));
    QVERIFY2(result.verified, qPrintable(result.error));
}

void TestWebhookSignature::referenceLibraryRefusesTampering_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<qint64>("timestampShift");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("secret");

    const QByteArray body = R"({"user":"octo-org"})";
    QTest::newRow("body changed") << QByteArray("msg") << qint64(0)
                                  << QByteArray(R"({"user":"octo-orh"})") << vectorSecret;
    QTest::newRow("body extended") << QByteArray("msg") << qint64(0) << body + ' '
                                   << vectorSecret;
    QTest::newRow("other id") << QByteArray("msg2") << qint64(0) << body << vectorSecret;
    QTest::newRow("other timestamp") << QByteArray("msg") << qint64(1) << body << vectorSecret;
    QTest::newRow("other secret") << QByteArray("msg") << qint64(0) << body << secondSecret;
}

void TestWebhookSignature::referenceLibraryRefusesTampering()
{
    QFETCH(QByteArray, id);
    QFETCH(qint64, timestampShift);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, secret);

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const WebhookSignature signature(keysOf(QString::fromLatin1(vectorSecret)));
    const QByteArray signed_ = signature.sign("msg", now, R"({"user":"octo-org"})");

    const SignatureVerifier::Result result =
            SignatureVerifier::verify(secret, headers(id, now + timestampShift, signed_), body);
    QVERIFY2(result.ran, qPrintable(result.error));
    QVERIFY(!result.verified);
    QCOMPARE(result.error, u"No matching signature found"_s);
}

void TestWebhookSignature::referenceLibraryVerifiesEitherRotatedSecret()
{
    // During a rotation a receiver may know the old secret only, or the new one only.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray body = R"({"user":"octo-org","repository":"rotation"})";
    const WebhookSignature signature(
            keysOf(QString::fromLatin1(vectorSecret + ' ' + secondSecret)));
    const auto delivered = headers("msg-rotation", now, signature.sign("msg-rotation", now, body));

    for (const QByteArray &secret : { vectorSecret, secondSecret }) {
        const SignatureVerifier::Result result =
                SignatureVerifier::verify(secret, delivered, body);
        QVERIFY2(result.ran, qPrintable(result.error));
        QVERIFY2(result.verified, qPrintable(result.error));
    }
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
