#include "apierror.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace hookme {

QByteArray ApiError::toJson() const
{
    QJsonObject error { { u"status"_s, status }, { u"code"_s, code }, { u"message"_s, message } };
    if (!field.isEmpty())
        error.insert(u"field"_s, field);
    return QJsonDocument(QJsonObject { { u"error"_s, error } }).toJson(QJsonDocument::Compact);
}

QHttpServerResponse ApiError::toResponse() const
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"), toJson(),
                               QHttpServerResponse::StatusCode(status));
}

ApiError ApiError::badRequest(const QString &code, const QString &message, const QString &field)
{
    return { 400, code, message, field };
}

ApiError ApiError::notFound(const QString &message)
{
    return { 404, u"not_found"_s, message, {} };
}

ApiError ApiError::payloadTooLarge(qint64 limitBytes)
{
    return { 413, u"payload_too_large"_s,
             u"the request body is larger than %1 bytes"_s.arg(limitBytes), {} };
}

ApiError ApiError::conflict(const QString &code, const QString &message)
{
    return { 409, code, message, {} };
}

} // namespace hookme
