package org.wal4j.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.wal4j.Lifecycle;
import org.wal4j.WalEntry;
import org.wal4j.spi.Names;

/**
 * What a wrapped DAO interface's methods are, decided once at wrap time from the annotations
 * ({@link Critical}, {@link LaneKey}) and the {@link RepositoryOptions}: critical methods with
 * everything their calls need, lane reads, and the rest (passed through). Every mistake that can
 * be seen without a call is refused here, naming the method, the argument and the fix.
 *
 * <p>Immutable once built and thread-safe.
 */
final class RepositoryModel {
    private final Map<Method, CriticalMethod> critical;
    private final Map<Method, LaneRead> reads;

    private RepositoryModel(Map<Method, CriticalMethod> critical, Map<Method, LaneRead> reads) {
        this.critical = Map.copyOf(critical);
        this.reads = Map.copyOf(reads);
    }

    /**
     * The model of {@code daoInterface} under {@code options}, applied on {@code repositoryTargets}.
     *
     * @param walTargets   the targets of the {@code Wal}
     * @param walRetention how long the {@code Wal} keeps finished entries
     * @param walLifecycles the {@code Wal}'s lifecycle for a namespace
     * @throws IllegalArgumentException naming what is wrong
     */
    static RepositoryModel of(Class<?> daoInterface, RepositoryTargets repositoryTargets, RepositoryOptions options,
                              ObjectMapper mapper, List<String> walTargets, Duration walRetention,
                              Function<String, Lifecycle> walLifecycles) {
        if (!daoInterface.isInterface() || daoInterface.isAnnotation()) {
            throw new IllegalArgumentException(daoInterface.getName() + " is not an interface: DurableRepository wraps a "
                    + "DAO interface (with a JDK dynamic proxy, which implements interfaces only)");
        }
        checkTargets(daoInterface, repositoryTargets, walTargets, walRetention);
        Method[] methods = publicInstanceMethods(daoInterface);
        requireListedMethodsExist(daoInterface, methods, options.criticalMethods().keySet(), "critical");
        requireListedMethodsExist(daoInterface, methods, options.laneReads().keySet(), "laneRead");
        requireListedMethodsExist(daoInterface, methods, options.lifecycles().keySet(), "lifecycle");
        requireListedMethodsExist(daoInterface, methods, options.rejections().keySet(), "rejections");
        String defaultNamespace = defaultNamespace(daoInterface, options);
        Map<Method, CriticalMethod> critical = new LinkedHashMap<>();
        Map<String, CriticalMethod> byOperation = new LinkedHashMap<>();
        for (Method method : methods) {
            CriticalMethod c = criticalMethod(daoInterface, method, repositoryTargets, options, mapper, defaultNamespace,
                    walLifecycles);
            if (c == null) {
                continue;
            }
            CriticalMethod same = byOperation.putIfAbsent(c.operation(), c);
            if (same != null) {
                throw new IllegalArgumentException(same.display() + " and " + c.display() + " have the same operation '"
                        + c.operation() + "'; give them distinct @Critical(operation = ...)");
            }
            critical.put(method, c);
        }
        requireCritical(daoInterface, critical, options.lifecycles().keySet(), "lifecycle");
        requireCritical(daoInterface, critical, options.rejections().keySet(), "rejections");
        Set<String> primaryNamespaces = new LinkedHashSet<>();
        critical.values().stream().filter(c -> c.targets().contains(repositoryTargets.primary()))
                .forEach(c -> primaryNamespaces.add(c.namespace()));
        Map<Method, LaneRead> reads = new LinkedHashMap<>();
        for (Method method : methods) {
            if (!critical.containsKey(method)) {
                requireNoRequestId(MethodNames.display(daoInterface, method), method);
                LaneRead read = laneRead(daoInterface, method, options, List.copyOf(primaryNamespaces));
                if (read != null) {
                    reads.put(method, read);
                }
            }
        }
        return new RepositoryModel(critical, reads);
    }

    /**
     * How the outcomes of a method without a request id are stored on a log shared by several
     * instances (the caller may wait on another instance than the one that runs the DAO); null
     * when its result type cannot be stored (such a call's result then reaches only a caller on the
     * instance that ran it).
     */
    private static CallOutcomes outcomesIfStorable(ObjectMapper mapper, Class<?> daoInterface, Method method,
                                                   String display) {
        try {
            return new CallOutcomes(method, display, mapper, DeclaredTypes.result(mapper, daoInterface, method, display));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void requireCritical(Class<?> daoInterface, Map<Method, CriticalMethod> critical,
                                        Set<String> names, String setting) {
        for (String name : names) {
            if (critical.keySet().stream().noneMatch(m -> m.getName().equals(name))) {
                throw new IllegalArgumentException("RepositoryOptions." + setting + " names method '" + name + "' of "
                        + daoInterface.getSimpleName() + ", which is not critical: only critical calls are entries");
            }
        }
    }

    /** The critical method {@code method} is, or null. */
    CriticalMethod critical(Method method) {
        return critical.get(method);
    }

    /** The lane read {@code method} is, or null. */
    LaneRead read(Method method) {
        return reads.get(method);
    }

    List<CriticalMethod> criticalMethods() {
        return List.copyOf(critical.values());
    }

    private static void checkTargets(Class<?> daoInterface, RepositoryTargets repositoryTargets, List<String> walTargets,
                                     Duration walRetention) {
        repositoryTargets.bindings().forEach((name, binding) -> {
            Duration keys = binding.target().appliedKeysRetention();
            if (keys.compareTo(walRetention) < 0) {
                throw new IllegalArgumentException("target '" + name + "' keeps applied keys for " + keys
                        + " (appliedKeysRetention), less than the Wal's retention " + walRetention + ": an entry still in "
                        + "the log could be delivered again after its key was purged, and be applied twice; set "
                        + "appliedKeysRetention to at least the Wal's retention");
            }
            if (!walTargets.contains(name)) {
                throw new IllegalArgumentException("target '" + name + "' is not a target of the Wal; its targets: "
                        + walTargets + " (a JdbcSyncTarget must be added to the Wal under its own name)");
            }
            if (!daoInterface.isInstance(binding.dao())) {
                throw new IllegalArgumentException("the DAO instance of target '" + name + "' is a "
                        + binding.dao().getClass().getName() + ", which does not implement " + daoInterface.getName());
            }
        });
    }

    private static Method[] publicInstanceMethods(Class<?> daoInterface) {
        List<Method> out = new ArrayList<>();
        for (Method method : daoInterface.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            if (!method.trySetAccessible()) {
                throw new IllegalArgumentException("cannot call " + MethodNames.display(daoInterface, method)
                        + " reflectively: its module does not open " + daoInterface.getPackageName() + " to wal4j");
            }
            out.add(method);
        }
        out.sort((a, b) -> a.toGenericString().compareTo(b.toGenericString()));
        return out.toArray(new Method[0]);
    }

    private static void requireListedMethodsExist(Class<?> daoInterface, Method[] methods, Set<String> names,
                                                  String setting) {
        Set<String> known = new TreeSet<>();
        Arrays.stream(methods).forEach(m -> known.add(m.getName()));
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("RepositoryOptions." + setting + " names method '" + name + "', which "
                        + daoInterface.getSimpleName() + " does not have; its methods: " + known);
            }
        }
    }

    private static String defaultNamespace(Class<?> daoInterface, RepositoryOptions options) {
        if (options.namespace().isPresent()) {
            return options.namespace().get();
        }
        String name = daoInterface.getSimpleName();
        if (!name.matches(Names.NAMESPACE_RULE)) {
            throw new IllegalArgumentException("the default namespace, the simple name of " + daoInterface.getName()
                    + ", is not a valid namespace (" + Names.NAMESPACE_RULE + "); set RepositoryOptions.namespace");
        }
        return name;
    }

    private static CriticalMethod criticalMethod(Class<?> daoInterface, Method method,
                                                 RepositoryTargets repositoryTargets, RepositoryOptions options,
                                                 ObjectMapper mapper, String defaultNamespace,
                                                 Function<String, Lifecycle> walLifecycles) {
        Critical annotation = method.getAnnotation(Critical.class);
        Integer listedKey = options.criticalMethods().get(method.getName());
        if (annotation == null && listedKey == null) {
            return null;
        }
        String display = MethodNames.display(daoInterface, method);
        if (annotation != null && listedKey != null) {
            throw new IllegalArgumentException(display + " is annotated @Critical and also listed in "
                    + "RepositoryOptions.critical; use one of them");
        }
        int keyIndex = annotation != null ? annotatedKey(display, method, annotation.keyless()) : listedKey;
        if (keyIndex != RepositoryOptions.KEYLESS) {
            LaneKeys.check(display, method, keyIndex);
        }
        List<Integer> alsoKeyIndexes = annotation != null && !annotation.keyless() ? alsoKeys(display, method)
                : List.of();
        String namespace = annotation != null && !annotation.namespace().isEmpty()
                ? checked(display, () -> Names.requireNamespace(annotation.namespace())) : defaultNamespace;
        String operation = annotation != null && !annotation.operation().isEmpty() ? annotation.operation()
                : MethodNames.operation(daoInterface, method);
        checked(display, () -> Names.requireOperation(operation));
        List<String> targets = methodTargets(display, annotation, repositoryTargets);
        String resultTarget = targets.contains(repositoryTargets.primary()) ? repositoryTargets.primary() : targets.get(0);
        checkResultWait(display, method, options);
        ArgumentCodec codec = ArgumentCodec.of(mapper, daoInterface, method, display);
        UnaryOperator<Lifecycle.Builder> change = options.lifecycles().get(method.getName());
        Lifecycle lifecycle = MethodLifecycles.resolve(display, annotation, change, walLifecycles.apply(namespace));
        int requestIdIndex = requestIdParameter(display, method);
        CallOutcomes outcomes = requestIdIndex == CriticalMethod.NO_REQUEST_ID
                ? outcomesIfStorable(mapper, daoInterface, method, display)
                : new CallOutcomes(method, display, mapper, DeclaredTypes.result(mapper, daoInterface, method, display));
        MethodRejections rejections = MethodRejections.of(display, method, annotation,
                options.rejections().get(method.getName()));
        return new CriticalMethod(method, display, namespace, operation, keyIndex, alsoKeyIndexes, targets,
                resultTarget, codec, lifecycle, requestIdIndex, outcomes, rejections);
    }

    /** The {@link IdempotencyKey} parameter of a critical method, or {@link CriticalMethod#NO_REQUEST_ID}. */
    private static int requestIdParameter(String display, Method method) {
        List<Integer> marked = parametersMarked(method, IdempotencyKey.class);
        if (marked.isEmpty()) {
            return CriticalMethod.NO_REQUEST_ID;
        }
        if (marked.size() > 1) {
            throw new IllegalArgumentException(display + " marks " + marked.size() + " parameters @IdempotencyKey "
                    + "(arguments " + marked + "); a call has one request id");
        }
        int index = marked.get(0);
        if (!LaneKeys.isKeyType(method.getParameterTypes()[index])) {
            throw new IllegalArgumentException(display + ": " + MethodNames.argument(method, index) + " cannot be a "
                    + "request id: " + method.getParameterTypes()[index].getName() + " has no text that names its value; "
                    + "use a String, an integer type, a char, a UUID or an enum");
        }
        return index;
    }

    /** Refuses {@link IdempotencyKey} on a method that does not write to the log: it would dedupe nothing. */
    private static void requireNoRequestId(String display, Method method) {
        if (!parametersMarked(method, IdempotencyKey.class).isEmpty()) {
            throw new IllegalArgumentException(display + " marks a parameter @IdempotencyKey but is not critical: only "
                    + "calls written to the log are deduplicated; make it @Critical or remove the annotation");
        }
    }

    private static List<Integer> parametersMarked(Method method, Class<? extends Annotation> marker) {
        List<Integer> marked = new ArrayList<>();
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (marker.isInstance(a)) {
                    marked.add(i);
                }
            }
        }
        return marked;
    }

    /**
     * The @LaneKey arguments after the first: a call that touches several keys (a transfer) is
     * ordered in the lane of each ({@link org.wal4j.WalEntry#alsoKeys()}).
     */
    private static List<Integer> alsoKeys(String display, Method method) {
        List<Integer> keys = keyParameters(method);
        if (keys.size() > 1 + WalEntry.MAX_ALSO_KEYS) {
            throw new IllegalArgumentException(display + " marks " + keys.size() + " parameters @LaneKey (arguments "
                    + keys + "); a call may be ordered in at most " + (1 + WalEntry.MAX_ALSO_KEYS) + " lanes");
        }
        List<Integer> others = keys.size() > 1 ? List.copyOf(keys.subList(1, keys.size())) : List.of();
        for (int index : others) {
            LaneKeys.check(display, method, index);
        }
        return others;
    }

    private static int annotatedKey(String display, Method method, boolean keyless) {
        List<Integer> keys = keyParameters(method);
        if (keyless) {
            if (!keys.isEmpty()) {
                throw new IllegalArgumentException(display + " is @Critical(keyless = true) but marks argument "
                        + keys.get(0) + " @LaneKey; remove one of them");
            }
            return RepositoryOptions.KEYLESS;
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(display + " is @Critical but has no @LaneKey parameter: mark the parameter "
                    + "whose value orders its calls (an account id), or declare @Critical(keyless = true) to apply every "
                    + "call of its namespace one after the other in one lane");
        }
        return keys.get(0);
    }

    private static List<Integer> keyParameters(Method method) {
        return parametersMarked(method, LaneKey.class);
    }

    private static List<String> methodTargets(String display, Critical annotation, RepositoryTargets repositoryTargets) {
        if (annotation == null || annotation.targets().length == 0) {
            return List.copyOf(repositoryTargets.bindings().keySet());
        }
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(Arrays.asList(annotation.targets())));
        for (String target : targets) {
            if (!repositoryTargets.bindings().containsKey(target)) {
                throw new IllegalArgumentException(display + " is @Critical for target '" + target + "', but the "
                        + "repository has no DAO instance for '" + target + "'; targets with a DAO instance: "
                        + repositoryTargets.bindings().keySet());
            }
        }
        return targets;
    }

    private static void checkResultWait(String display, Method method, RepositoryOptions options) {
        ReturnKind kind = ReturnKind.of(method);
        if (!options.applyWait().isZero()) {
            return;
        }
        if (kind == ReturnKind.VALUE) {
            throw new IllegalArgumentException(display + " returns " + method.getReturnType().getSimpleName()
                    + ", which only the apply can produce, but RepositoryOptions.applyWait is 0, so a call could never "
                    + "return it; set an applyWait, or return void or CompletableFuture");
        }
        if (kind == ReturnKind.VOID && options.voidWaitsForApply()) {
            throw new IllegalArgumentException(display + ": RepositoryOptions.voidWaitsForApply is on but applyWait is 0, "
                    + "so a call could never see its apply; set an applyWait");
        }
    }

    private static LaneRead laneRead(Class<?> daoInterface, Method method, RepositoryOptions options,
                                     List<String> namespaces) {
        String display = MethodNames.display(daoInterface, method);
        List<Integer> keys = keyParameters(method);
        Integer listed = options.laneReads().get(method.getName());
        if (listed != null) {
            if (!keys.isEmpty()) {
                throw new IllegalArgumentException(display + " marks a @LaneKey parameter and is also listed in "
                        + "RepositoryOptions.laneRead; use one of them");
            }
            keys = List.of(listed);
        }
        if (keys.isEmpty()) {
            return null;
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException(display + " marks " + keys.size() + " parameters @LaneKey (arguments "
                    + keys + "); a read flushes one lane");
        }
        LaneKeys.check(display, method, keys.get(0));
        return new LaneRead(method, display, keys.get(0), namespaces);
    }

    private static String checked(String display, Supplier<String> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(display + ": " + e.getMessage(), e);
        }
    }
}
