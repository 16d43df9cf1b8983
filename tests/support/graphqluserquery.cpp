// Parses and answers the user look-ups of the fake GitHub's GraphQL endpoint (see
// graphqluserquery.h). Error shapes and messages follow GitHub's GraphQL API, which runs
// graphql-ruby: parse errors, then validation errors, then variable errors, each with HTTP 200.
#include "graphqluserquery.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// A JSON object whose keys stay in the order they were added, as in GitHub's answers
// (QJsonObject sorts its keys).
class OrderedObject
{
public:
    OrderedObject() = default;
    OrderedObject(std::initializer_list<QPair<QString, QJsonValue>> members)
    {
        for (const auto &[key, value] : members)
            add(key, value);
    }

    OrderedObject &add(const QString &key, const QJsonValue &value)
    {
        return addRaw(key, compact(value));
    }

    OrderedObject &addRaw(const QString &key, const QByteArray &json)
    {
        m_members.append({ key, json });
        return *this;
    }

    bool contains(const QString &key) const
    {
        return std::any_of(m_members.cbegin(), m_members.cend(),
                           [&key](const auto &member) { return member.first == key; });
    }

    QByteArray toJson() const
    {
        QByteArray json = "{";
        for (const auto &[key, value] : m_members) {
            if (json.size() > 1)
                json += ',';
            json += compact(key) + ':' + value;
        }
        return json + '}';
    }

    static QByteArray compact(const QJsonValue &value)
    {
        const QByteArray array = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2);  // strip [ and ]
    }

private:
    QList<QPair<QString, QByteArray>> m_members;
};

struct Token {
    enum Kind { Name, Punctuator, String, Int, Float, End, Invalid };
    Kind kind = End;
    QString text;  // as written; for a string its value
    int line = 1;
    int column = 1;
};

// A parse error stops the parser at the offending token.
struct ParseError {
    Token token;
};

struct Value {
    enum Kind { Variable, Literal };
    Kind kind = Literal;
    QString variable;  // without '$'
    QJsonValue json;   // a literal's value (strings, numbers, true, false, null; else text)
    QString written;   // a literal as written, for messages
    int line = 1;
    int column = 1;
};

struct Argument {
    QString name;
    Value value;
    int line = 1;
    int column = 1;
};

struct Node {
    QString alias;
    QString name;
    QList<Argument> arguments;
    QList<Node> selections;
    bool hasSelectionSet = false;
    int line = 1;
    int column = 1;

    QString key() const { return alias.isEmpty() ? name : alias; }
};

struct VariableDefinition {
    QString name;
    QString type;  // as written without spaces: "String!", "[String]", ...
    std::optional<QJsonValue> defaultValue;
    int line = 1;
    int column = 1;
};

QString kindName(const Token &token)
{
    static const QHash<QString, QString> punctuators {
        { u"{"_s, u"LCURLY"_s },   { u"}"_s, u"RCURLY"_s },    { u"("_s, u"LPAREN"_s },
        { u")"_s, u"RPAREN"_s },   { u"["_s, u"LBRACKET"_s },  { u"]"_s, u"RBRACKET"_s },
        { u":"_s, u"COLON"_s },    { u"$"_s, u"VAR_SIGN"_s },  { u"!"_s, u"BANG"_s },
        { u"="_s, u"EQUALS"_s },   { u"@"_s, u"DIR_SIGN"_s },  { u"..."_s, u"ELLIPSIS"_s },
        { u"|"_s, u"PIPE"_s },     { u"&"_s, u"AMP"_s },
    };
    static const QSet<QString> keywords { u"query"_s, u"mutation"_s, u"subscription"_s,
                                          u"fragment"_s, u"on"_s, u"true"_s, u"false"_s,
                                          u"null"_s };
    switch (token.kind) {
    case Token::Name:
        return keywords.contains(token.text) ? token.text.toUpper() : u"IDENTIFIER"_s;
    case Token::Punctuator:
        return punctuators.value(token.text);
    case Token::String:
        return u"STRING"_s;
    case Token::Int:
        return u"INT"_s;
    case Token::Float:
        return u"FLOAT"_s;
    case Token::End:
        return u"EOF"_s;
    case Token::Invalid:
        break;
    }
    return u"error"_s;
}

// "locations":[{"line":1,"column":9}]
QByteArray locations(int line, int column)
{
    return '[' + OrderedObject { { u"line"_s, line }, { u"column"_s, column } }.toJson() + ']';
}

// A validation error: {"path":[...],"extensions":{...},"locations":[...],"message":"..."}.
QByteArray validationError(const QString &message, int line, int column, const QJsonArray &path,
                           const OrderedObject &extensions)
{
    return OrderedObject()
            .add(u"path"_s, path)
            .addRaw(u"extensions"_s, extensions.toJson())
            .addRaw(u"locations"_s, locations(line, column))
            .add(u"message"_s, message)
            .toJson();
}

QString unescape(QStringView quoted)
{
    const QStringView inner = quoted.mid(1, quoted.size() - 2);
    QString value;
    for (qsizetype i = 0; i < inner.size(); ++i) {
        if (inner.at(i) != u'\\' || i + 1 >= inner.size()) {
            value += inner.at(i);
            continue;
        }
        const QChar escaped = inner.at(++i);
        switch (escaped.unicode()) {
        case 'b': value += u'\b'; break;
        case 'f': value += u'\f'; break;
        case 'n': value += u'\n'; break;
        case 'r': value += u'\r'; break;
        case 't': value += u'\t'; break;
        case 'u': {
            bool ok = false;
            const ushort code = inner.mid(i + 1, 4).toUShort(&ok, 16);
            if (ok) {
                value += QChar(code);
                i += 4;
            }
            break;
        }
        default: value += escaped; break;  // \" \\ \/
        }
    }
    return value;
}

} // namespace

// Reads the document into a list of tokens, then parses the one operation.
class GraphQLUserQuery::Parser
{
public:
    explicit Parser(const QString &document)
    {
        tokenize(document);
    }

    // Throws ParseError.
    void parseDocument()
    {
        if (peekName(u"query"_s)) {
            next();
            if (peek().kind == Token::Name)
                operationName = next().text;
            if (peekPunctuator(u"("_s))
                parseVariableDefinitions();
        } else if (!peekPunctuator(u"{"_s)) {
            throw ParseError { peek() };
        }
        fields = parseSelectionSet();
        if (peek().kind != Token::End)
            throw ParseError { peek() };
    }

    QString operationName;
    QList<VariableDefinition> variables;
    QList<Node> fields;

private:
    void tokenize(const QString &document)
    {
        QList<qsizetype> lineStarts { 0 };
        for (qsizetype i = 0; i < document.size(); ++i) {
            const QChar c = document.at(i);
            if (c == u'\n' || (c == u'\r' && (i + 1 >= document.size()
                                              || document.at(i + 1) != u'\n'))) {
                lineStarts.append(i + 1);
            }
        }
        const auto place = [&lineStarts](Token &token, qsizetype offset) {
            const auto after = std::upper_bound(lineStarts.cbegin(), lineStarts.cend(), offset);
            token.line = int(after - lineStarts.cbegin());
            token.column = int(offset - *(after - 1)) + 1;
        };

        static const QRegularExpression pattern(
                uR"((?<ignored>[\s,\x{FEFF}]+|#[^\n\r]*))"
                uR"(|(?<name>[_A-Za-z][_0-9A-Za-z]*))"
                uR"(|(?<float>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)))"
                uR"(|(?<int>-?(?:0|[1-9][0-9]*)))"
                uR"(|(?<string>"(?:[^"\\\n\r]|\\.)*"))"
                uR"(|(?<punctuator>\.\.\.|[!$&()\[\]{}:=@|]))"_s);

        qsizetype offset = 0;
        while (offset < document.size()) {
            const QRegularExpressionMatch match = pattern.match(
                    document, offset, QRegularExpression::NormalMatch,
                    QRegularExpression::AnchorAtOffsetMatchOption);
            Token token;
            place(token, offset);
            if (!match.hasMatch() || match.capturedLength() == 0) {
                token.kind = Token::Invalid;
                token.text = document.mid(offset, 1);
                m_tokens.append(token);
                return;  // the parser stops here at the latest
            }
            offset += match.capturedLength();
            if (match.hasCaptured(u"ignored"_s))
                continue;

            if (match.hasCaptured(u"name"_s)) {
                token.kind = Token::Name;
            } else if (match.hasCaptured(u"float"_s)) {
                token.kind = Token::Float;
            } else if (match.hasCaptured(u"int"_s)) {
                token.kind = Token::Int;
            } else if (match.hasCaptured(u"string"_s)) {
                token.kind = Token::String;
            } else {
                token.kind = Token::Punctuator;
            }
            token.text = token.kind == Token::String ? unescape(match.capturedView())
                                                     : match.captured();
            m_tokens.append(token);
        }
        Token end;
        place(end, document.size());
        m_tokens.append(end);
    }

    const Token &peek() const { return m_tokens.at(m_position); }

    Token next()
    {
        const Token token = peek();
        if (token.kind == Token::Invalid)
            throw ParseError { token };
        if (token.kind != Token::End)
            ++m_position;
        return token;
    }

    bool peekPunctuator(const QString &text) const
    {
        return peek().kind == Token::Punctuator && peek().text == text;
    }

    bool peekName(const QString &text) const
    {
        return peek().kind == Token::Name && peek().text == text;
    }

    Token expectPunctuator(const QString &text)
    {
        if (!peekPunctuator(text))
            throw ParseError { peek() };
        return next();
    }

    Token expectName()
    {
        if (peek().kind != Token::Name)
            throw ParseError { peek() };
        return next();
    }

    void parseVariableDefinitions()
    {
        expectPunctuator(u"("_s);
        do {
            VariableDefinition definition;
            const Token sign = expectPunctuator(u"$"_s);
            definition.line = sign.line;
            definition.column = sign.column;
            definition.name = expectName().text;
            expectPunctuator(u":"_s);
            definition.type = parseType();
            if (peekPunctuator(u"="_s)) {
                next();
                definition.defaultValue = parseValue(true).json;
            }
            variables.append(definition);
        } while (!peekPunctuator(u")"_s));
        next();
    }

    QString parseType()
    {
        QString type;
        if (peekPunctuator(u"["_s)) {
            next();
            type = u'[' + parseType() + u']';
            expectPunctuator(u"]"_s);
        } else {
            type = expectName().text;
        }
        if (peekPunctuator(u"!"_s)) {
            next();
            type += u'!';
        }
        return type;
    }

    Value parseValue(bool constant)
    {
        Value value;
        value.line = peek().line;
        value.column = peek().column;
        const Token token = peek();
        if (!constant && token.kind == Token::Punctuator && token.text == u"$"_s) {
            next();
            value.kind = Value::Variable;
            value.variable = expectName().text;
            return value;
        }

        switch (token.kind) {
        case Token::String:
            value.json = token.text;
            value.written = QString::fromUtf8(OrderedObject::compact(token.text));
            next();
            return value;
        case Token::Int:
        case Token::Float:
            value.json = token.text.toDouble();
            value.written = token.text;
            next();
            return value;
        case Token::Name:
            if (token.text == u"true"_s || token.text == u"false"_s)
                value.json = token.text == u"true"_s;
            else if (token.text == u"null"_s)
                value.json = QJsonValue::Null;
            else
                value.json = token.text;  // an enum value
            value.written = token.text;
            next();
            return value;
        case Token::Punctuator:
            if (token.text == u"["_s || token.text == u"{"_s) {
                // Lists and input objects are read for their syntax only.
                const QString close = token.text == u"["_s ? u"]"_s : u"}"_s;
                value.written = next().text;
                while (!peekPunctuator(close)) {
                    if (close == u"}"_s) {
                        value.written += expectName().text;
                        expectPunctuator(u":"_s);
                        value.written += u':';
                    }
                    value.written += parseValue(constant).written + u' ';
                }
                value.written += next().text;
                value.json = value.written;
                return value;
            }
            break;
        default:
            break;
        }
        throw ParseError { token };
    }

    QList<Node> parseSelectionSet()
    {
        expectPunctuator(u"{"_s);
        QList<Node> selections;
        do {
            selections.append(parseField());
        } while (!peekPunctuator(u"}"_s));
        next();
        return selections;
    }

    Node parseField()
    {
        Node node;
        const Token first = expectName();
        node.line = first.line;
        node.column = first.column;
        node.name = first.text;
        if (peekPunctuator(u":"_s)) {
            next();
            node.alias = node.name;
            node.name = expectName().text;
        }
        if (peekPunctuator(u"("_s)) {
            next();
            do {
                Argument argument;
                const Token name = expectName();
                argument.name = name.text;
                argument.line = name.line;
                argument.column = name.column;
                expectPunctuator(u":"_s);
                argument.value = parseValue(false);
                node.arguments.append(argument);
            } while (!peekPunctuator(u")"_s));
            next();
        }
        if (peekPunctuator(u"{"_s)) {
            node.hasSelectionSet = true;
            node.selections = parseSelectionSet();
        }
        return node;
    }

    QList<Token> m_tokens;
    qsizetype m_position = 0;
};

GraphQLUserQuery GraphQLUserQuery::parse(const QString &document, const QJsonObject &variables)
{
    GraphQLUserQuery query;
    Parser parser(document);
    try {
        parser.parseDocument();
    } catch (const ParseError &error) {
        // graphql-ruby: "Parse error on \"}\" (RCURLY) at [4, 3]"; at the end of the input
        // "Unexpected end of document" without a location.
        if (error.token.kind == Token::End) {
            query.m_errors.append(OrderedObject()
                                          .add(u"message"_s, u"Unexpected end of document"_s)
                                          .add(u"locations"_s, QJsonArray())
                                          .toJson());
        } else {
            const QString message = u"Parse error on %1 (%2) at [%3, %4]"_s.arg(
                    QString::fromUtf8(OrderedObject::compact(error.token.text)),
                    kindName(error.token), QString::number(error.token.line),
                    QString::number(error.token.column));
            query.m_errors.append(
                    OrderedObject()
                            .add(u"message"_s, message)
                            .addRaw(u"locations"_s,
                                    locations(error.token.line, error.token.column))
                            .toJson());
        }
        return query;
    }

    const QString operationPath = parser.operationName.isEmpty()
            ? u"query"_s
            : u"query %1"_s.arg(parser.operationName);
    const QString operationText = parser.operationName.isEmpty() ? u"anonymous query"_s
                                                                 : parser.operationName;
    QHash<QString, VariableDefinition> declared;
    for (const VariableDefinition &definition : parser.variables)
        declared.insert(definition.name, definition);
    QSet<QString> used;

    // Validation, in document order.
    QList<QByteArray> &errors = query.m_errors;
    const auto undefinedField = [&](const Node &node, const QString &type,
                                    const QJsonArray &path) {
        errors.append(validationError(
                u"Field '%1' doesn't exist on type '%2'"_s.arg(node.name, type), node.line,
                node.column, path,
                OrderedObject { { u"code"_s, u"undefinedField"_s },
                              { u"typeName"_s, type },
                              { u"fieldName"_s, node.name } }));
    };
    const auto notAccepted = [&](const Node &node, const Argument &argument,
                                 const QJsonArray &path) {
        errors.append(validationError(
                u"Field '%1' doesn't accept argument '%2'"_s.arg(node.name, argument.name),
                argument.line, argument.column, path,
                OrderedObject { { u"code"_s, u"argumentNotAccepted"_s },
                              { u"name"_s, node.name },
                              { u"typeName"_s, u"Field"_s },
                              { u"argumentName"_s, argument.name } }));
    };

    for (const Node &node : std::as_const(parser.fields)) {
        const QJsonArray path { operationPath, node.key() };
        Field field;
        field.key = node.key();
        field.name = node.name;
        field.line = node.line;
        field.column = node.column;

        for (const Argument &argument : node.arguments) {
            if (argument.value.kind == Value::Variable)
                used.insert(argument.value.variable);
        }

        if (node.name == u"__typename"_s) {
            for (const Argument &argument : node.arguments)
                notAccepted(node, argument, path + argument.name);
            query.m_fields.append(field);
            continue;
        }
        if (node.name != u"user"_s) {
            undefinedField(node, u"Query"_s, path);
            continue;
        }

        bool hasLogin = false;
        for (const Argument &argument : node.arguments) {
            const QJsonArray argumentPath = path + argument.name;
            if (argument.name != u"login"_s) {
                notAccepted(node, argument, argumentPath);
                continue;
            }
            hasLogin = true;
            const Value &value = argument.value;
            if (value.kind == Value::Literal) {
                if (value.json.isString()) {
                    field.login = value.json.toString();
                } else {
                    errors.append(validationError(
                            u"Argument 'login' on Field 'user' has an invalid value (%1). "
                            "Expected type 'String!'."_s.arg(value.written),
                            argument.line, argument.column, argumentPath,
                            OrderedObject { { u"code"_s, u"argumentLiteralsIncompatible"_s },
                                          { u"typeName"_s, u"Field"_s },
                                          { u"argumentName"_s, u"login"_s } }));
                }
                continue;
            }

            const auto definition = declared.constFind(value.variable);
            if (definition == declared.cend()) {
                errors.append(validationError(
                        u"Variable $%1 is used by %2 but not declared"_s.arg(value.variable,
                                                                             operationText),
                        value.line, value.column, argumentPath,
                        OrderedObject { { u"code"_s, u"variableNotDefined"_s },
                                      { u"variableName"_s, value.variable } }));
            } else if (definition->type != u"String!"_s) {
                const bool nullability = definition->type == u"String"_s;
                errors.append(validationError(
                        u"%1 mismatch on variable $%2 and argument login (%3 / String!)"_s.arg(
                                nullability ? u"Nullability"_s : u"Type"_s, value.variable,
                                definition->type),
                        value.line, value.column, argumentPath,
                        OrderedObject { { u"code"_s, u"variableMismatch"_s },
                                      { u"variableName"_s, value.variable },
                                      { u"typeName"_s, definition->type },
                                      { u"argumentName"_s, u"login"_s },
                                      { u"errorMessage"_s,
                                        nullability ? u"Nullability mismatch"_s
                                                    : u"Type mismatch"_s } }));
            }
        }
        if (!hasLogin) {
            errors.append(validationError(
                    u"Field 'user' is missing required arguments: login"_s, node.line,
                    node.column, path,
                    OrderedObject { { u"code"_s, u"missingRequiredArguments"_s },
                                  { u"className"_s, u"Field"_s },
                                  { u"name"_s, u"user"_s },
                                  { u"arguments"_s, u"login"_s } }));
        }
        if (!node.hasSelectionSet) {
            errors.append(validationError(
                    u"Field must have selections (field 'user' returns User but has no "
                    "selections. Did you mean 'user { ... }'?)"_s,
                    node.line, node.column, path,
                    OrderedObject { { u"code"_s, u"selectionMismatch"_s },
                                  { u"nodeName"_s, u"field 'user'"_s },
                                  { u"typeName"_s, u"User"_s } }));
        }

        static const QStringList userFields { u"login"_s, u"name"_s, u"__typename"_s };
        for (const Node &child : node.selections) {
            const QJsonArray childPath = path + child.key();
            for (const Argument &argument : child.arguments) {
                if (argument.value.kind == Value::Variable)
                    used.insert(argument.value.variable);
            }
            if (!userFields.contains(child.name)) {
                undefinedField(child, u"User"_s, childPath);
                continue;
            }
            for (const Argument &argument : child.arguments)
                notAccepted(child, argument, childPath + argument.name);
            if (child.hasSelectionSet) {
                QStringList names;
                for (const Node &grandChild : child.selections)
                    names.append(grandChild.key());
                errors.append(validationError(
                        u"Selections can't be made on scalars (field '%1' returns String but "
                        "has selections [%2])"_s.arg(child.name, names.join(u", "_s)),
                        child.line, child.column, childPath,
                        OrderedObject { { u"code"_s, u"selectionMismatch"_s },
                                      { u"nodeName"_s, u"field '%1'"_s.arg(child.name) },
                                      { u"typeName"_s, u"String"_s } }));
            }
            field.selected.append(child.name);
        }
        query.m_fields.append(field);
    }

    for (const VariableDefinition &definition : std::as_const(parser.variables)) {
        if (used.contains(definition.name))
            continue;
        errors.append(validationError(
                u"Variable $%1 is declared by %2 but not used"_s.arg(definition.name,
                                                                     operationText),
                definition.line, definition.column, QJsonArray { operationPath },
                OrderedObject { { u"code"_s, u"variableNotUsed"_s },
                              { u"variableName"_s, definition.name } }));
    }
    if (!errors.isEmpty()) {
        query.m_fields.clear();
        return query;
    }

    // Variable values, checked after validation as graphql-ruby does.
    QHash<QString, QJsonValue> values;
    for (const VariableDefinition &definition : std::as_const(parser.variables)) {
        QJsonValue value = variables.value(definition.name);
        if (value.isUndefined())
            value = definition.defaultValue.value_or(QJsonValue(QJsonValue::Null));
        QString problem;
        if (value.isNull() && definition.type.endsWith(u'!'))
            problem = u"Expected value to not be null"_s;
        else if (!value.isNull() && definition.type.startsWith(u"String"_s) && !value.isString())
            problem = u"Could not coerce value %1 to String"_s.arg(
                    QString::fromUtf8(OrderedObject::compact(value)));
        if (problem.isEmpty()) {
            values.insert(definition.name, value);
            continue;
        }
        const QByteArray problems = '['
                + OrderedObject { { u"path"_s, QJsonArray() }, { u"explanation"_s, problem } }
                          .toJson()
                + ']';
        const QByteArray extensions =
                OrderedObject { { u"value"_s, value } }.addRaw(u"problems"_s, problems).toJson();
        errors.append(OrderedObject()
                              .addRaw(u"extensions"_s, extensions)
                              .addRaw(u"locations"_s, locations(definition.line, definition.column))
                              .add(u"message"_s,
                                   u"Variable $%1 of type %2 was provided invalid value"_s.arg(
                                           definition.name, definition.type))
                              .toJson());
    }
    if (!errors.isEmpty()) {
        query.m_fields.clear();
        return query;
    }

    // Fill in the logins that came from variables.
    for (qsizetype i = 0; i < query.m_fields.size(); ++i) {
        const Node &node = parser.fields.at(i);
        for (const Argument &argument : node.arguments) {
            if (argument.name == u"login"_s && argument.value.kind == Value::Variable)
                query.m_fields[i].login = values.value(argument.value.variable).toString();
        }
    }
    return query;
}

QByteArray GraphQLUserQuery::answer(const Resolver &resolve) const
{
    const auto joined = [](const QList<QByteArray> &items) {
        QByteArray json = "[";
        for (const QByteArray &item : items) {
            if (json.size() > 1)
                json += ',';
            json += item;
        }
        return json + ']';
    };

    if (!m_errors.isEmpty())
        return "{\"errors\":" + joined(m_errors) + '}';

    OrderedObject data;
    QList<QByteArray> errors;
    for (const Field &field : m_fields) {
        if (data.contains(field.key))
            continue;  // the same field asked twice is answered once
        if (field.name == u"__typename"_s) {
            data.add(field.key, u"Query"_s);
            continue;
        }

        // GraphQL's user(login:) resolves only users: organizations and bots are not found.
        const std::optional<User> user = resolve(field.login);
        if (!user) {
            data.addRaw(field.key, "null");
            errors.append(OrderedObject()
                                  .add(u"type"_s, u"NOT_FOUND"_s)
                                  .add(u"path"_s, QJsonArray { field.key })
                                  .addRaw(u"locations"_s, locations(field.line, field.column))
                                  .add(u"message"_s,
                                       u"Could not resolve to a User with the login of '%1'."_s
                                               .arg(field.login))
                                  .toJson());
            continue;
        }

        OrderedObject object;
        for (const QString &selected : field.selected) {
            if (object.contains(selected))
                continue;
            if (selected == u"login"_s)
                object.add(selected, user->login);
            else if (selected == u"name"_s)
                object.add(selected, user->name.isString() ? user->name
                                                           : QJsonValue(QJsonValue::Null));
            else
                object.add(selected, u"User"_s);
        }
        data.addRaw(field.key, object.toJson());
    }

    QByteArray body = "{\"data\":" + data.toJson();
    if (!errors.isEmpty())
        body += ",\"errors\":" + joined(errors);
    return body + '}';
}
