// Checks a webhook signature with an implementation that is not hookme's: the Standard
// Webhooks reference library, run by node (tests/signature-verifier/verify.js). Tests that use
// it require the CTest fixture `signature_verifier`, which installs the library.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class SignatureVerifier
{
public:
    struct Result {
        bool ran = false;       // node ran and answered; false: see error
        bool verified = false;  // the library accepted the signature
        QString error;          // the library's reason, or why node did not run
    };

    // Verifies `body` as delivered with `headers` (webhook-id, webhook-timestamp and
    // webhook-signature are looked up case-insensitively) against `secret` ("whsec_...").
    static Result verify(const QByteArray &secret,
                         const QList<QPair<QByteArray, QByteArray>> &headers,
                         const QByteArray &body);
};
