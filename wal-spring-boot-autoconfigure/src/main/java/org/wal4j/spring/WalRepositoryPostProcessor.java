package org.wal4j.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.wal4j.Wal;
import org.wal4j.WalState;
import org.wal4j.jdbc.Critical;
import org.wal4j.jdbc.DurableRepository;
import org.wal4j.jdbc.JdbcSyncTarget;
import org.wal4j.jdbc.RepositoryOptions;

/**
 * Wraps each bean whose class is marked {@link WalRepository} in a {@link DurableRepository} proxy
 * through the typed builder, {@code DurableRepository.builder(daoInterface).target(target, bean)},
 * on the auto-configured {@link Wal}, which must not have started (it starts in
 * {@link WalLifecycle#start()}, after every singleton is built).
 *
 * <p>Not {@link org.springframework.core.Ordered}, on purpose: Spring runs unordered post-processors
 * after ordered ones, so a DAO that Spring AOP proxies ({@code @Transactional} on its methods) is
 * wrapped as that proxy, and its transactions run when the repository applies a call. The Wal and
 * the targets are looked up at the first marked bean, not when this post-processor is created.
 *
 * <p>Thread-safe as Spring uses it (bean creation is serialized by the container).
 */
final class WalRepositoryPostProcessor implements BeanPostProcessor {
    private final ObjectProvider<Wal> wal;
    private final ObjectProvider<JdbcSyncTargets> targets;
    private final ObjectProvider<Wal4jProperties> properties;
    private final ObjectProvider<Wal4jConfigurer> configurers;

    WalRepositoryPostProcessor(ObjectProvider<Wal> wal, ObjectProvider<JdbcSyncTargets> targets,
            ObjectProvider<Wal4jProperties> properties, ObjectProvider<Wal4jConfigurer> configurers) {
        this.wal = wal;
        this.targets = targets;
        this.properties = properties;
        this.configurers = configurers;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        WalRepository marker = AnnotatedElementUtils.findMergedAnnotation(type, WalRepository.class);
        if (marker == null) {
            return bean;
        }
        Class<?> daoInterface = daoInterface(marker, bean, type, beanName);
        return wrap(daoInterface, bean, marker, beanName);
    }

    private <T> T wrap(Class<T> daoInterface, Object bean, WalRepository marker, String beanName) {
        Wal wal = this.wal.getObject();
        if (wal.state() != WalState.NEW) {
            throw new IllegalStateException("bean '" + beanName + "' is marked @WalRepository but was created after the "
                    + "Wal started (state " + wal.state() + "): a lazy or prototype bean cannot be wrapped, the "
                    + "repository's appliers must be registered before the Wal starts; make it an eager singleton");
        }
        JdbcSyncTargets all = targets.getObject();
        JdbcSyncTarget target;
        try {
            target = marker.target().isEmpty() ? all.first() : all.get(marker.target());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bean '" + beanName + "' is marked @WalRepository(target = \""
                    + marker.target() + "\"): " + e.getMessage(), e);
        }
        RepositoryOptions.Builder options = RepositoryOptions.builder()
                .load(SettingsBridge.of(properties.getObject().getSettings()).sources());
        configurers.orderedStream().forEach(c -> c.configureRepository(daoInterface, options));
        return DurableRepository.builder(daoInterface)
                .target(target, daoInterface.cast(bean))
                .options(options.build())
                .build(wal);
    }

    private static Class<?> daoInterface(WalRepository marker, Object bean, Class<?> type, String beanName) {
        if (marker.value() != void.class) {
            if (!marker.value().isInterface() || !marker.value().isInstance(bean)) {
                throw new IllegalArgumentException("bean '" + beanName + "' is marked @WalRepository("
                        + marker.value().getName() + ".class), which is not an interface the bean implements");
            }
            return marker.value();
        }
        List<Class<?>> critical = new ArrayList<>();
        for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
            if (declaresCritical(candidate) && candidate.isInstance(bean)) {
                critical.add(candidate);
            }
        }
        if (critical.size() != 1) {
            throw new IllegalArgumentException("bean '" + beanName + "' (" + type.getName() + ") is marked @WalRepository "
                    + "but implements " + (critical.isEmpty() ? "no interface" : critical.size() + " interfaces " + critical)
                    + " with @Critical methods; name the DAO interface: @WalRepository(YourDao.class)");
        }
        return critical.get(0);
    }

    private static boolean declaresCritical(Class<?> candidate) {
        for (Method m : candidate.getMethods()) {
            if (m.isAnnotationPresent(Critical.class)) {
                return true;
            }
        }
        return false;
    }
}
