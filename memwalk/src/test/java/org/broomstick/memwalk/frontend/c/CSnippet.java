package org.broomstick.memwalk.frontend.c;

import java.util.Map;
import org.eclipse.cdt.core.dom.ast.ASTVisitor;
import org.eclipse.cdt.core.dom.ast.IASTCompositeTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTEqualsInitializer;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.ITypedef;
import org.eclipse.cdt.core.dom.ast.IVariable;
import org.eclipse.cdt.core.dom.ast.gnu.c.GCCLanguage;
import org.eclipse.cdt.core.model.ILanguage;
import org.eclipse.cdt.core.parser.DefaultLogService;
import org.eclipse.cdt.core.parser.FileContent;
import org.eclipse.cdt.core.parser.IncludeFileContentProvider;
import org.eclipse.cdt.core.parser.ScannerInfo;
import org.eclipse.core.runtime.CoreException;

/** A C snippet parsed with CDT's GCC dialect, with lookups by declared name for tests. */
final class CSnippet {

  private final IASTTranslationUnit tu;

  private CSnippet(IASTTranslationUnit tu) {
    this.tu = tu;
  }

  static CSnippet parse(String source) {
    return new CSnippet(translationUnit("snippet.c", source));
  }

  /** Parses like the C frontend minus includes: GCC dialect, no include files. */
  // OPTION_IS_SOURCE_UNIT is deprecated but is how CDT is told the file is a .c unit, not a header
  @SuppressWarnings("deprecation")
  static IASTTranslationUnit translationUnit(String path, String source) {
    try {
      // __GNUC__ makes CDT accept gcc >= 4.7 keywords such as __int128
      return GCCLanguage.getDefault()
          .getASTTranslationUnit(
              FileContent.create(path, source.toCharArray()),
              new ScannerInfo(Map.of("__GNUC__", "12", "__GNUC_MINOR__", "2"), new String[0]),
              IncludeFileContentProvider.getEmptyFilesProvider(),
              null,
              ILanguage.OPTION_IS_SOURCE_UNIT,
              new DefaultLogService());
    } catch (CoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The initialiser of the (first) declarator called {@code name}. */
  IASTExpression initializer(String name) {
    IASTDeclarator d = declarator(name);
    if (d.getInitializer() instanceof IASTEqualsInitializer init
        && init.getInitializerClause() instanceof IASTExpression e) {
      return e;
    }
    throw new IllegalArgumentException("no initialiser for " + name);
  }

  /** The type of the variable or typedef called {@code name}. */
  IType type(String name) {
    IBinding b = declarator(name).getName().resolveBinding();
    if (b instanceof IVariable v) {
      return v.getType();
    }
    if (b instanceof ITypedef t) {
      return t;
    }
    throw new IllegalArgumentException(name + " is " + b);
  }

  /** The struct or union with tag {@code tag}. */
  ICompositeType composite(String tag) {
    ICompositeType[] found = new ICompositeType[1];
    tu.accept(
        new ASTVisitor() {
          {
            shouldVisitDeclSpecifiers = true;
          }

          @Override
          public int visit(org.eclipse.cdt.core.dom.ast.IASTDeclSpecifier spec) {
            if (spec instanceof IASTCompositeTypeSpecifier c
                && c.getName().toString().equals(tag)
                && c.getName().resolveBinding() instanceof ICompositeType ct) {
              found[0] = ct;
              return PROCESS_ABORT;
            }
            return PROCESS_CONTINUE;
          }
        });
    if (found[0] == null) {
      throw new IllegalArgumentException("no struct/union " + tag);
    }
    return found[0];
  }

  private IASTDeclarator declarator(String name) {
    IASTDeclarator[] found = new IASTDeclarator[1];
    tu.accept(
        new ASTVisitor() {
          {
            shouldVisitDeclarators = true;
          }

          @Override
          public int visit(IASTDeclarator d) {
            if (d.getName() != null && d.getName().toString().equals(name)) {
              found[0] = d;
              return PROCESS_ABORT;
            }
            return PROCESS_CONTINUE;
          }
        });
    if (found[0] == null) {
      throw new IllegalArgumentException("no declarator " + name);
    }
    return found[0];
  }
}
