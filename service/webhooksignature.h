// Signs webhook deliveries as the Standard Webhooks specification says
// (https://www.standardwebhooks.com): each delivery carries
//   webhook-id:        the message id, the same on every attempt of the same message
//   webhook-timestamp: Unix seconds of this attempt
//   webhook-signature: "v1,<base64 of HMAC-SHA256 over '<id>.<timestamp>.<body>'>", one per
//                      secret, separated by a space
// Guarantees: the signature covers exactly the bytes given as `body`; the keys never leave
// this class except through the signature, and nothing here logs them.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace hookme {

class WebhookSignature
{
public:
    // The prefix of a secret in the specification's format: "whsec_<base64 of the key>".
    static constexpr char secretPrefix[] = "whsec_";
    // The fewest key bytes accepted (the specification recommends 24 to 64).
    static constexpr qsizetype minimumKeyBytes = 16;
    // WEBHOOK_SECRET may hold this many secrets, for rotation.
    static constexpr qsizetype maximumSecrets = 2;

    // No secret: isEnabled() is false and sign() returns nothing.
    WebhookSignature() = default;
    // `keys` are the decoded secrets (the bytes after base64-decoding "whsec_...").
    explicit WebhookSignature(QList<QByteArray> keys);

    // Reads WEBHOOK_SECRET: one or two "whsec_<base64>" secrets separated by white space. A raw
    // string is refused: receivers' libraries base64-decode the secret, so a raw string would
    // silently give a key that no receiver has. On a problem returns nothing and sets `error`
    // to a sentence that never contains the value.
    static std::optional<QList<QByteArray>> parseSecrets(const QString &setting, QString *error);

    bool isEnabled() const { return !m_keys.isEmpty(); }
    qsizetype secretCount() const { return m_keys.size(); }

    // The webhook-signature header value: "v1,<sig>" for each key, separated by a space.
    // The body is hashed in place, never copied.
    QByteArray sign(const QByteArray &messageId, qint64 timestampSeconds,
                    const QByteArray &body) const;

    // One "v1,<sig>" with one key.
    static QByteArray signWithKey(const QByteArray &key, const QByteArray &messageId,
                                  qint64 timestampSeconds, const QByteArray &body);

private:
    QList<QByteArray> m_keys;
};

} // namespace hookme
