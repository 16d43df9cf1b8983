#include "webhooksignature.h"

#include <QMessageAuthenticationCode>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace hookme {

WebhookSignature::WebhookSignature(QList<QByteArray> keys) : m_keys(std::move(keys)) { }

std::optional<QList<QByteArray>> WebhookSignature::parseSecrets(const QString &setting,
                                                                QString *error)
{
    static const QRegularExpression whiteSpace(u"\\s+"_s);
    const QStringList secrets = setting.split(whiteSpace, Qt::SkipEmptyParts);
    const auto failWith = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };

    if (secrets.isEmpty() || secrets.size() > maximumSecrets) {
        return failWith(u"must hold one secret, or two separated by a space for rotation,"
                        " got %1 (the value is not shown)"_s.arg(secrets.size()));
    }

    QList<QByteArray> keys;
    for (qsizetype i = 0; i < secrets.size(); ++i) {
        const QString &secret = secrets.at(i);
        const QString which = secrets.size() == 1 ? u"the secret"_s
                                                  : u"secret %1 of 2"_s.arg(i + 1);
        if (!secret.startsWith(QLatin1StringView(secretPrefix))) {
            return failWith(u"must be in the format whsec_<base64>; %1 is not"
                            " (the value is not shown)"_s.arg(which));
        }
        const QString base64 = secret.mid(qsizetype(sizeof(secretPrefix) - 1));
        auto decoded = QByteArray::fromBase64Encoding(base64.toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (base64.isEmpty() || !decoded) {
            return failWith(u"must be in the format whsec_<base64>; %1 is not valid base64"
                            " (the value is not shown)"_s.arg(which));
        }
        if (decoded.decoded.size() < minimumKeyBytes) {
            return failWith(u"must hold at least %1 bytes after base64 decoding; %2 has %3"
                            " (the value is not shown)"_s.arg(minimumKeyBytes)
                                    .arg(which)
                                    .arg(decoded.decoded.size()));
        }
        keys.append(decoded.decoded);
    }
    return keys;
}

QByteArray WebhookSignature::sign(const QByteArray &messageId, qint64 timestampSeconds,
                                  const QByteArray &body) const
{
    QByteArray signatures;
    for (const QByteArray &key : m_keys) {
        if (!signatures.isEmpty())
            signatures.append(' ');
        signatures.append(signWithKey(key, messageId, timestampSeconds, body));
    }
    return signatures;
}

QByteArray WebhookSignature::signWithKey(const QByteArray &key, const QByteArray &messageId,
                                         qint64 timestampSeconds, const QByteArray &body)
{
    // Fed piece by piece: a report of many megabytes is not copied to be signed.
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
    mac.addData(messageId);
    mac.addData(".", 1);
    mac.addData(QByteArray::number(timestampSeconds));
    mac.addData(".", 1);
    mac.addData(body);
    return "v1," + mac.result().toBase64();
}

} // namespace hookme
