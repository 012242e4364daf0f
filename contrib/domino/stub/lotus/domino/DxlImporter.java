// Compile-only stub, never shipped or run: the members of the Domino Java API
// (lotus.domino in Notes.jar) that contrib/domino uses, written from HCL's Domino
// Designer Java reference (help.hcl-software.com/dom_designer/.../basic/H_*_JAVA.html).
// A wrong name or type in the bridge fails "make domino".  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.domino;

public interface DxlImporter extends Base {
	// DocumentImportOption (H_DOCUMENTIMPORTOPTION_PROPERTY_IMPORTER_JAVA)
	int DXLIMPORTOPTION_IGNORE = 1;
	int DXLIMPORTOPTION_CREATE = 2;
	int DXLIMPORTOPTION_REPLACE_ELSE_IGNORE = 5;
	int DXLIMPORTOPTION_REPLACE_ELSE_CREATE = 6;
	int DXLIMPORTOPTION_UPDATE_ELSE_IGNORE = 9;
	int DXLIMPORTOPTION_UPDATE_ELSE_CREATE = 10;
	// InputValidationOption (H_CONSTANTS_JAVA_DXLVALIDATE)
	int DXLVALIDATIONOPTION_VALIDATE_NEVER = 0;
	int DXLVALIDATIONOPTION_VALIDATE_ALWAYS = 1;
	int DXLVALIDATIONOPTION_VALIDATE_AUTO = 2;
	// UnknownTokenLogOption (H_CONSTANTS_JAVA_DXLLOGOPTION)
	int DXLLOGOPTION_IGNORE = 1;
	int DXLLOGOPTION_WARNING = 2;
	int DXLLOGOPTION_ERROR = 3;
	int DXLLOGOPTION_FATALERROR = 4;

	void setDocumentImportOption(int option) throws NotesException;

	void setInputValidationOption(int option) throws NotesException;

	void setUnknownTokenLogOption(int option) throws NotesException;

	void setExitOnFirstFatalError(boolean flag) throws NotesException;

	void setReplicaRequiredForReplaceOrUpdate(boolean flag) throws NotesException;

	void importDxl(Stream dxl, Database database) throws NotesException;

	String getFirstImportedNoteID() throws NotesException;

	String getNextImportedNoteID(String noteid) throws NotesException;

	String getLog() throws NotesException;
}
