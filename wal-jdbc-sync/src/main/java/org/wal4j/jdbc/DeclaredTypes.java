package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import com.fasterxml.jackson.databind.type.TypeBindings;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;

/**
 * The Jackson types of a DAO method's parameters, resolved in the context of the wrapped
 * interface (a parameter {@code T} of {@code interface Dao<T>} is {@code Account} in
 * {@code AccountDao extends Dao<Account>}), and checked at wrap time for what can be known
 * from the declared types alone: that each can be written to the log and read back as the same
 * type.
 *
 * <p>Refused: type variables that only a call would fix (a method's own {@code <X>}, a raw
 * super-interface); {@code Object} and abstract types without Jackson type information (the
 * value's concrete type would be lost: a {@code Number} that was a {@code BigDecimal} would come
 * back a {@code Double}), also as type arguments ({@code List<Number>}); types the mapper has no
 * support for (java.time without its module); beans with no properties; classes Jackson cannot
 * construct. What depends on the value (a getter that throws, a subclass's extra fields) is
 * checked per call by {@link ArgumentCodec}.
 *
 * <p>Stateless; thread-safe.
 */
final class DeclaredTypes {
    private DeclaredTypes() {
    }

    /**
     * The resolved type of parameter {@code index}.
     *
     * @throws IllegalArgumentException naming the method, the argument and what is wrong
     */
    static JavaType parameter(ObjectMapper mapper, Class<?> daoInterface, Method method, int index, String display) {
        Type declared = method.getGenericParameterTypes()[index];
        JavaType context = mapper.getTypeFactory().constructType(daoInterface).findSuperType(method.getDeclaringClass());
        TypeBindings bindings = context != null ? context.getBindings() : TypeBindings.emptyBindings();
        String where = display + ": " + MethodNames.argument(method, index);
        requireResolvable(declared, bindings, where);
        JavaType type = mapper.getTypeFactory().resolveMemberType(declared, bindings);
        check(mapper, type, where);
        return type;
    }

    /**
     * The resolved type of what a call of {@code method} answers with: its return type, or the value
     * type of a returned future; null for {@code void} and a future of {@code Void}. Checked like a
     * parameter's: the value must come back from JSON as the same type.
     *
     * @throws IllegalArgumentException naming the method and what is wrong
     */
    static JavaType result(ObjectMapper mapper, Class<?> daoInterface, Method method, String display) {
        ReturnKind kind = ReturnKind.of(method);
        if (kind == ReturnKind.VOID) {
            return null;
        }
        Type declared = method.getGenericReturnType();
        JavaType context = mapper.getTypeFactory().constructType(daoInterface).findSuperType(method.getDeclaringClass());
        TypeBindings bindings = context != null ? context.getBindings() : TypeBindings.emptyBindings();
        String where = display + ": the result, stored for the retries of a request id,";
        requireResolvable(declared, bindings, where);
        JavaType type = mapper.getTypeFactory().resolveMemberType(declared, bindings);
        if (kind == ReturnKind.FUTURE) {
            type = type.containedTypeOrUnknown(0);
        }
        if (type.hasRawClass(Void.class)) {
            return null;
        }
        check(mapper, type, where);
        return type;
    }

    private static void requireResolvable(Type type, TypeBindings bindings, String where) {
        if (type instanceof TypeVariable) {
            TypeVariable<?> variable = (TypeVariable<?>) type;
            if (variable.getGenericDeclaration() instanceof Method || bindings.findBoundType(variable.getName()) == null) {
                throw new IllegalArgumentException(where + " has type variable " + variable.getName()
                        + ", whose concrete type is only known to the caller, not to the code that reads the log; "
                        + "declare a concrete type");
            }
        } else if (type instanceof ParameterizedType) {
            for (Type argument : ((ParameterizedType) type).getActualTypeArguments()) {
                requireResolvable(argument, bindings, where);
            }
        } else if (type instanceof WildcardType) {
            for (Type bound : ((WildcardType) type).getUpperBounds()) {
                requireResolvable(bound, bindings, where);
            }
        } else if (type instanceof GenericArrayType) {
            requireResolvable(((GenericArrayType) type).getGenericComponentType(), bindings, where);
        }
    }

    /** Checks {@code type}, and its type arguments; messages start with {@code what}. */
    private static void check(ObjectMapper mapper, JavaType type, String what) {
        if (type.isContainerType()) {
            if (type.getKeyType() != null) {
                check(mapper, type.getKeyType(), what);
            }
            check(mapper, type.getContentType(), what);
            requireDeserializer(mapper, type, what, false);
            return;
        }
        if (type.hasRawClass(Object.class)
                || ((type.isAbstract() || type.isInterface()) && !type.isPrimitive() && !type.isEnumType()
                && !hasTypeInformation(mapper, type))) {
            throw new IllegalArgumentException(what + ": " + type.toCanonical() + " does not say which class a value has, "
                    + "so a value would come back from the log as another class; declare a concrete type, or give it "
                    + "Jackson type information (@JsonTypeInfo)");
        }
        boolean writtenAsObject = requireSerializer(mapper, type, what);
        requireDeserializer(mapper, type, what, writtenAsObject);
    }

    private static boolean hasTypeInformation(ObjectMapper mapper, JavaType type) {
        DeserializationConfig config = mapper.getDeserializationConfig();
        try {
            return mapper.getDeserializationContext().getFactory().findTypeDeserializer(config, type) != null;
        } catch (JsonMappingException e) {
            return false;
        }
    }

    /** @return true if Jackson writes the type as a JSON object of properties (a bean) */
    private static boolean requireSerializer(ObjectMapper mapper, JavaType type, String what) {
        JsonSerializer<Object> serializer;
        try {
            serializer = mapper.getSerializerProviderInstance().findValueSerializer(type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(what + " cannot be written to JSON: " + e.getOriginalMessage(), e);
        }
        if (serializer instanceof UnsupportedTypeSerializer) {
            throw new IllegalArgumentException(what + ": " + type.toCanonical() + " is not supported by the ObjectMapper "
                    + "(Jackson needs a module for it, such as jackson-datatype-jsr310 for java.time or jackson-datatype-jdk8 "
                    + "for Optional; register it on the mapper passed to RepositoryOptions.objectMapper)");
        }
        if (serializer instanceof UnknownSerializer) {
            throw new IllegalArgumentException(what + ": " + type.toCanonical() + " has no properties Jackson can write "
                    + "(no public fields or getters), so its value would not reach the log");
        }
        return serializer instanceof BeanSerializerBase;
    }

    private static void requireDeserializer(ObjectMapper mapper, JavaType type, String what, boolean writtenAsObject) {
        JsonDeserializer<?> deserializer;
        try {
            DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createDummyInstance(mapper.getDeserializationConfig());
            deserializer = context.findRootValueDeserializer(type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(what + " cannot be read back from JSON: " + e.getOriginalMessage(), e);
        }
        if (deserializer instanceof UnsupportedTypeDeserializer) {
            throw new IllegalArgumentException(what + ": " + type.toCanonical() + " is not supported by the ObjectMapper "
                    + "(Jackson needs a module for it, such as jackson-datatype-jsr310 for java.time or jackson-datatype-jdk8 "
                    + "for Optional; register it on the mapper passed to RepositoryOptions.objectMapper)");
        }
        if (deserializer instanceof BeanDeserializerBase) {
            ValueInstantiator creators = ((BeanDeserializerBase) deserializer).getValueInstantiator();
            boolean fromObject = creators.canCreateUsingDefault() || creators.canCreateFromObjectWith()
                    || creators.canCreateUsingDelegate();
            if (writtenAsObject ? !fromObject : !creators.canInstantiate()) {
                throw new IllegalArgumentException(what + ": Jackson writes a " + type.toCanonical() + " as an object of "
                        + "its properties but cannot create one from them when reading the log: it needs a no-argument "
                        + "constructor, a @JsonCreator constructor or factory taking its properties, or to be a record");
            }
        }
    }
}
