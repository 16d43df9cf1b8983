// Every error the HTTP API answers with, and its one JSON shape:
//   {"error": {"status": 400, "code": "invalid_field", "message": "...", "field": "username"}}
// ("field" only when one field is at fault).
#pragma once

#include <QByteArray>
#include <QHttpServerResponse>
#include <QString>

namespace hookme {

struct ApiError {
    int status = 500;
    QString code;     // stable, for programs: "invalid_json", "payload_too_large", ...
    QString message;  // for people
    QString field;    // the request field at fault, if any

    QByteArray toJson() const;
    QHttpServerResponse toResponse() const;

    static ApiError badRequest(const QString &code, const QString &message,
                               const QString &field = {});
    static ApiError notFound(const QString &message);
    static ApiError payloadTooLarge(qint64 limitBytes);
    // The request is valid but the task's state does not allow it (409 Conflict).
    static ApiError conflict(const QString &code, const QString &message);
};

} // namespace hookme
