#include "signatureverifier.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace Qt::StringLiterals;

SignatureVerifier::Result SignatureVerifier::verify(
        const QByteArray &secret, const QList<QPair<QByteArray, QByteArray>> &headers,
        const QByteArray &body)
{
    Result result;

    QJsonObject headerObject;
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        if (lower.startsWith("webhook-"))
            headerObject.insert(QString::fromLatin1(lower), QString::fromLatin1(value));
    }
    const QJsonObject request { { u"secret"_s, QString::fromLatin1(secret) },
                                { u"headers"_s, headerObject },
                                { u"body_base64"_s, QString::fromLatin1(body.toBase64()) } };

    const QString directory = QStringLiteral(HOOKME_SIGNATURE_VERIFIER_DIR);
    if (!QDir(directory).exists(u"node_modules/standardwebhooks"_s)) {
        result.error = u"%1/node_modules/standardwebhooks is missing: run the CTest fixture"
                       " setup_signature_verifier (npm ci)"_s.arg(directory);
        return result;
    }

    QProcess node;
    node.setWorkingDirectory(directory);
    node.start(QStringLiteral(HOOKME_NODE), { u"verify.js"_s });
    if (!node.waitForStarted(10'000)) {
        result.error = u"cannot start node (%1): %2"_s.arg(QStringLiteral(HOOKME_NODE),
                                                          node.errorString());
        return result;
    }
    node.write(QJsonDocument(request).toJson(QJsonDocument::Compact));
    node.closeWriteChannel();
    if (!node.waitForFinished(30'000)) {
        node.kill();
        node.waitForFinished();
        result.error = u"node did not finish within 30 s"_s;
        return result;
    }

    const QByteArray output = node.readAllStandardOutput();
    const QJsonObject answer = QJsonDocument::fromJson(output).object();
    if (node.exitStatus() != QProcess::NormalExit || node.exitCode() == 2
        || !answer.contains("verified"_L1)) {
        result.error = u"verify.js failed (exit %1): %2 %3"_s.arg(node.exitCode())
                               .arg(QString::fromUtf8(output),
                                    QString::fromUtf8(node.readAllStandardError()));
        return result;
    }
    result.ran = true;
    result.verified = answer.value("verified"_L1).toBool();
    result.error = answer.value("error"_L1).toString();
    return result;
}
